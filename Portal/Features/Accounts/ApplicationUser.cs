using Microsoft.AspNetCore.Identity;

namespace Portal.Features.Accounts;

/// <summary>
/// A person who signs in to the portal. Identity owns this row; money lives on <see cref="Billing.Account"/>
/// so that Identity's whole-row updates (profile, lockout, security stamp) can never overwrite a balance.
/// </summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>When the user registered (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When an admin suspended the user (UTC), or null. A suspended user can neither sign in nor use API tokens.
    /// This is deliberately not Identity's <c>LockoutEnd</c>: that one is set by failed password
    /// attempts, which anyone who knows the e-mail can cause, so it blocks password sign-in only.
    /// </summary>
    public DateTimeOffset? SuspendedAt { get; set; }
}

/// <summary>Role names used by authorization policies.</summary>
public static class Roles
{
    /// <summary>Operators: users, balances, redemption codes, prices, jobs.</summary>
    public const string Admin = "Admin";

    /// <summary>Every registered person.</summary>
    public const string User = "User";

    /// <summary>All roles, seeded at start-up.</summary>
    public static readonly string[] All = [Admin, User];
}
