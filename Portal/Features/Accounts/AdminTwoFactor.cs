using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;

namespace Portal.Features.Accounts;

/// <summary>
/// Part of the <see cref="AuthorizationPolicies.Admin"/> policy: an admin must have enrolled an authenticator app (TOTP,
/// Identity's two-factor support) before admin pages, the CSV export or the job dashboard open. Switched by <see cref="PortalOptions.RequireAdminTwoFactor"/> (default on).
/// </summary>
public sealed class AdminTwoFactorRequirement : IAuthorizationRequirement;

/// <summary>
/// Succeeds for an admin whose account has two-factor sign-in enabled (read from the database, not the cookie). The
/// user manager is resolved only when an admin policy is evaluated: every authorization (every API call too) builds
/// this handler, and a user manager brings a database context with it.
/// </summary>
public sealed class AdminTwoFactorHandler(IServiceProvider services, IOptions<PortalOptions> options) : AuthorizationHandler<AdminTwoFactorRequirement>
{
    /// <inheritdoc />
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdminTwoFactorRequirement requirement)
    {
        if (!context.User.IsInRole(Roles.Admin)) return;
        if (!options.Value.RequireAdminTwoFactor)
        {
            context.Succeed(requirement);
            return;
        }
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.GetUserAsync(context.User);
        if (user is not null && await users.GetTwoFactorEnabledAsync(user)) context.Succeed(requirement);
    }
}
