using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
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

        var email = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        var emailConfigured = email.IsConfigured;
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.Smtp.Host) == string.IsNullOrWhiteSpace(o.From),
                "Email:Smtp:Host and Email:From go together: set both to send mail, or neither")
            .Validate(o => o.Smtp.Port is > 0 and < 65536, "Email:Smtp:Port must be 1–65535")
            .ValidateOnStart();
        services.AddSingleton<SmtpMailer>();
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
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddDefaultTokenProviders();
        if (emailConfigured) services.AddSingleton<IEmailSender<ApplicationUser>, IdentityEmailSender>();
        else services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        services.AddScoped<UserProvisioning>();
        services.AddScoped<UserSuspension>();
        services.AddScoped<Admin.LoadTestSeed>();
        return services;
    }
}
