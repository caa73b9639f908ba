using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Caching;

namespace Portal.Features.Accounts;

/// <summary>
/// An admin's suspension of a user: blocks sign-in (every method) and every API token of the user until lifted.
/// Kept apart from Identity's failed-sign-in lockout, which blocks password sign-in only.
/// </summary>
public sealed class UserSuspension(UserManager<ApplicationUser> users, TimeProvider time, ChangeFeed changes)
{
    /// <summary>The <see cref="ChangeFeed"/> topic published with the user id after a change.</summary>
    public const string Topic = "user";

    /// <summary>Suspends or reinstates <paramref name="userId"/>.</summary>
    /// <returns>False when there is no such user or Identity refused the update.</returns>
    public async Task<bool> SetSuspendedAsync(string userId, bool suspended)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return false;
        user.SuspendedAt = suspended ? user.SuspendedAt ?? time.GetUtcNow() : null;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) return false;
        // A new security stamp ends existing portal sessions at their next validation.
        if (suspended) await users.UpdateSecurityStampAsync(user);
        else await users.ResetAccessFailedCountAsync(user);
        changes.Publish(Topic, userId);
        return true;
    }
}
