using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Portal.Features.Billing;

namespace Portal.Features.Accounts;

/// <summary>Creates users the same way from every entry point (registration, admin CLI, bootstrap): Identity user, roles, account row.</summary>
public sealed class UserProvisioning(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, BillingLedger ledger, TimeProvider time)
{
    /// <summary>Creates the roles that do not exist yet.</summary>
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
    }

    /// <summary>Creates a confirmed user with the <c>User</c> role (plus <paramref name="extraRole"/>) and an empty account.</summary>
    /// <returns>The user, or Identity's errors (duplicate e-mail, weak password…).</returns>
    public async Task<(ApplicationUser? User, IEnumerable<IdentityError> Errors)> CreateAsync(string email, string password, string? extraRole = null)
    {
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) return (null, result.Errors);
        await CompleteAsync(user, extraRole);
        return (user, []);
    }

    /// <summary>Gives a just-created user its roles and account row (used after the registration page creates the user).</summary>
    public async Task CompleteAsync(ApplicationUser user, string? extraRole = null)
    {
        await users.AddToRoleAsync(user, Roles.User);
        if (extraRole is not null && extraRole != Roles.User) await users.AddToRoleAsync(user, extraRole);
        await ledger.EnsureAccountAsync(user.Id);
    }

    /// <summary>A random password that meets the Identity policy (24 chars, mixed classes).</summary>
    public static string GeneratePassword() =>
        "Pt-" + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 18) + "7a!";
}
