using Microsoft.AspNetCore.Authorization;
using Portal.Features.Accounts;

namespace Portal.Features.Admin;

/// <summary>Registers the admin area: its authorization policy, the queries behind the admin pages and the CLI's helpers.</summary>
public static class AdminExtensions
{
    /// <summary>
    /// Adds the <see cref="AuthorizationPolicies.Admin"/> policy (the Admin role, and an enrolled authenticator app unless
    /// <c>Portal:RequireAdminTwoFactor</c> is off), the admin user queries, the admin audit log and the load-test seed.
    /// </summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(AuthorizationPolicies.Admin, p => p.RequireRole(Roles.Admin).AddRequirements(new AdminTwoFactorRequirement()));
        services.AddScoped<IAuthorizationHandler, AdminTwoFactorHandler>();
        services.AddSingleton<AdminUserQueries>();
        services.AddSingleton<AdminAuditLog>();
        services.AddScoped<LoadTestSeed>();
        return services;
    }
}
