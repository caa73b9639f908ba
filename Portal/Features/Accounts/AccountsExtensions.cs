using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Components.Account;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Accounts;

/// <summary>Identity (cookie sign-in, lockout, roles) for the portal.</summary>
public static class AccountsExtensions
{
    /// <summary>
    /// Adds Identity on <see cref="PortalDbContext"/> with lockout on, and account mail through SMTP when the
    /// <c>Email</c> section configures it (<see cref="EmailOptions.IsConfigured"/>): then registration asks for e-mail
    /// confirmation and a forgotten password can be reset by mail; without it neither is offered.
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
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

        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SmtpMailer>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<EmailOptions>>((options, email) =>
            options.SignIn.RequireConfirmedAccount = email.Value.IsConfigured);
        services.AddIdentityCore<ApplicationUser>(options =>
            {
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
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddDefaultTokenProviders();
        services.AddSingleton<IEmailSender<ApplicationUser>>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<IdentityEmailSender>(sp)
            : new IdentityNoOpEmailSender());
        services.AddScoped<UserProvisioning>();
        services.AddScoped<UserSuspension>();
        return services;
    }
}
