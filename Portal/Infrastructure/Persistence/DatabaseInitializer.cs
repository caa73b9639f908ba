using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Accounts;

namespace Portal.Infrastructure.Persistence;

/// <summary>Start-up work on the database: migrations, roles and the first admin.</summary>
public static class DatabaseInitializer
{
    /// <summary>
    /// Applies migrations (when <c>Database:MigrateOnStartup</c>), creates the roles and, when no admin exists, the
    /// bootstrap admin from <c>Portal:BootstrapAdmin</c>; a generated password is printed once to standard output.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, bool createBootstrapAdmin = true)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        if (sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
            await sp.GetRequiredService<PortalDbContext>().Database.MigrateAsync();

        // Codes created before they were stored hashed lose their plaintext here.
        await sp.GetRequiredService<Portal.Features.Billing.RedemptionCodeService>().HashLegacyCodesAsync();

        var provisioning = sp.GetRequiredService<UserProvisioning>();
        await provisioning.EnsureRolesAsync();
        if (!createBootstrapAdmin) return;

        var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0) return;

        var options = sp.GetRequiredService<IOptions<PortalOptions>>().Value.BootstrapAdmin;
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.BootstrapAdmin");
        var existing = await users.FindByEmailAsync(options.Email);
        if (existing is not null)
        {
            await provisioning.CompleteAsync(existing, Roles.Admin);
            log.LogWarning("Granted the Admin role to existing user {Email} (Portal:BootstrapAdmin:Email)", options.Email);
            return;
        }

        var generated = string.IsNullOrEmpty(options.Password);
        var password = generated ? UserProvisioning.GeneratePassword() : options.Password!;
        var (user, errors) = await provisioning.CreateAsync(options.Email, password, Roles.Admin);
        if (user is null)
        {
            log.LogError("Could not create the bootstrap admin {Email}: {Errors}", options.Email, string.Join("; ", errors.Select(e => e.Description)));
            return;
        }
        log.LogWarning("Created the bootstrap admin {Email}", options.Email);
        if (generated)
        {
            // Printed once, to the console only (not the log pipeline): the operator signs in and changes it.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine($" First admin created: {options.Email}");
            Console.WriteLine($" Password (shown once, change it after signing in): {password}");
            Console.WriteLine("==================================================================");
            Console.WriteLine();
        }
    }
}
