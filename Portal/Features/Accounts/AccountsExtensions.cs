using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Components.Account;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Accounts;

/// <summary>Identity (cookie sign-in, lockout, roles) for the portal.</summary>
public static class AccountsExtensions
{
    /// <summary>Configuration key: an e-mail sender is configured, so registration requires confirmation.</summary>
    public const string EmailSenderConfiguredKey = "Email:SenderConfigured";

    /// <summary>Adds Identity on <see cref="PortalDbContext"/> with lockout on and confirmation only when e-mail can be sent.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        var emailConfigured = configuration.GetValue<bool>(EmailSenderConfiguredKey);
        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = emailConfigured;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        services.AddScoped<UserProvisioning>();
        services.AddScoped<UserSuspension>();
        services.AddScoped<Admin.LoadTestSeed>();
        return services;
    }
}
