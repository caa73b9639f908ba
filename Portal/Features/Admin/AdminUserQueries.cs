using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Admin;

/// <summary>A user as listed to admins.</summary>
/// <param name="Id">Identity user id.</param>
/// <param name="Email">E-mail (the user name).</param>
/// <param name="CreatedAt">Registration time (UTC).</param>
/// <param name="SuspendedAt">When an admin suspended the user, or null.</param>
/// <param name="LockoutEnd">End of the sign-in lockout after failed passwords (blocks password sign-in only).</param>
/// <param name="BalanceFen">Balance in fen (0 without an account row).</param>
/// <param name="IsAdmin">In the Admin role.</param>
public sealed record AdminUserRow(string Id, string Email, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt, DateTimeOffset? LockoutEnd, long BalanceFen, bool IsAdmin)
{
    /// <summary>True when an admin suspended the user: no sign-in, no API tokens.</summary>
    public bool IsSuspended => SuspendedAt is not null;

    /// <summary>True when failed passwords locked password sign-in at <paramref name="now"/> (API tokens keep working).</summary>
    public bool IsSignInLockedAt(DateTimeOffset now) => LockoutEnd is { } end && end > now;
}

/// <summary>Read-only user queries for the admin pages.</summary>
public sealed class AdminUserQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// One page of users, newest first, optionally filtered by a case-insensitive e-mail substring, with their balances.
    /// </summary>
    public async Task<(IReadOnlyList<AdminUserRow> Items, int Total)> ListAsync(string? emailContains, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(emailContains))
        {
            // NormalizedEmail is upper-case on every provider, so one Contains works without provider-specific collation.
            var needle = emailContains.Trim().ToUpperInvariant();
            q = q.Where(u => u.NormalizedEmail != null && u.NormalizedEmail.Contains(needle));
        }
        var adminRoleId = db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id);
        var items = await q.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Email).Skip(skip).Take(take)
            .Select(u => new AdminUserRow(
                u.Id, u.Email ?? u.UserName ?? u.Id, u.CreatedAt, u.SuspendedAt, u.LockoutEnd,
                db.Accounts.Where(a => a.UserId == u.Id).Select(a => (long?)a.BalanceFen).FirstOrDefault() ?? 0,
                db.UserRoles.Any(r => r.UserId == u.Id && adminRoleId.Contains(r.RoleId))))
            .ToListAsync(ct);
        return (items, await q.CountAsync(ct));
    }

    /// <summary>One user as the admin pages show it, or null when there is no such user.</summary>
    public async Task<AdminUserRow?> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var adminRoleId = db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id);
        return await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new AdminUserRow(
                u.Id, u.Email ?? u.UserName ?? u.Id, u.CreatedAt, u.SuspendedAt, u.LockoutEnd,
                db.Accounts.Where(a => a.UserId == u.Id).Select(a => (long?)a.BalanceFen).FirstOrDefault() ?? 0,
                db.UserRoles.Any(r => r.UserId == u.Id && adminRoleId.Contains(r.RoleId))))
            .SingleOrDefaultAsync(ct);
    }
}
