using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Admin;

/// <summary>
/// One administrative action: who did what to what, when, and the value before and after. Written by the admin pages
/// and the <c>admin</c> CLI after the action succeeded, or in the action's own transaction (a price change); shown on
/// <c>/admin/audit</c>. Rows are only ever added.
/// </summary>
public sealed class AdminAuditEntry
{
    /// <summary>Sequence number (database-generated).</summary>
    public long Id { get; init; }

    /// <summary>When the action completed (UTC).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The acting admin's user id, or <c>cli:&lt;os user&gt;</c> for the command line.</summary>
    public required string ActorId { get; init; }

    /// <summary>What was done: one of <see cref="AdminActions"/>.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to, e.g. a user's e-mail, a product code, a batch id or a short-link code (≤ 256 chars).</summary>
    public required string Target { get; init; }

    /// <summary>The value before the action, when there is one (e.g. the old price <c>0.10</c>).</summary>
    public string? Before { get; init; }

    /// <summary>The value after the action (e.g. the new price, the new balance, <c>50 × 10.00</c>).</summary>
    public string? After { get; init; }

    /// <summary>Free text such as the reason of a balance adjustment (≤ 500 chars).</summary>
    public string? Detail { get; init; }
}

/// <summary>The <see cref="AdminAuditEntry.Action"/> names.</summary>
public static class AdminActions
{
    /// <summary>A product's price changed (before → after in yuan).</summary>
    public const string PriceSet = "price.set";

    /// <summary>A batch of redemption codes was created (after: count × amount).</summary>
    public const string CodesCreate = "codes.create";

    /// <summary>A batch's unclaimed redemption codes were voided (after: count × amount voided; detail: their total value).</summary>
    public const string CodesVoid = "codes.void";

    /// <summary>A user's balance was credited or debited by an admin (after: the new balance; detail: the reason).</summary>
    public const string BalanceAdjust = "balance.adjust";

    /// <summary>A user was suspended.</summary>
    public const string UserSuspend = "user.suspend";

    /// <summary>A suspension was lifted.</summary>
    public const string UserUnsuspend = "user.unsuspend";

    /// <summary>A user was created from the command line.</summary>
    public const string UserCreate = "user.create";

    /// <summary>A user's password was set by an admin.</summary>
    public const string UserSetPassword = "user.set-password";

    /// <summary>An API token was issued for a user from the command line.</summary>
    public const string TokenIssue = "token.issue";

    /// <summary>An API token was revoked by an admin.</summary>
    public const string TokenRevoke = "token.revoke";

    /// <summary>A short link was disabled by an admin.</summary>
    public const string LinkDisable = "link.disable";

    /// <summary>A disabled short link was enabled again.</summary>
    public const string LinkEnable = "link.enable";

    /// <summary>Every action name, for filters.</summary>
    public static readonly IReadOnlyList<string> All =
        [PriceSet, CodesCreate, CodesVoid, BalanceAdjust, UserSuspend, UserUnsuspend, UserCreate, UserSetPassword, TokenIssue, TokenRevoke, LinkDisable, LinkEnable];
}

/// <summary>A row of <c>/admin/audit</c>: the entry with the actor's e-mail when the actor is a user.</summary>
public sealed record AdminAuditRow(long Id, DateTimeOffset At, string Actor, string Action, string Target, string? Before, string? After, string? Detail);

/// <summary>Writes and lists <see cref="AdminAuditEntry"/> rows.</summary>
public sealed class AdminAuditLog(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Longest <see cref="AdminAuditEntry.Target"/>, <see cref="AdminAuditEntry.Before"/> and <see cref="AdminAuditEntry.After"/>.</summary>
    public const int MaxValueLength = 256;

    /// <summary>Longest <see cref="AdminAuditEntry.Detail"/>.</summary>
    public const int MaxDetailLength = 500;

    /// <summary>Records an action that has just succeeded. Values longer than the columns are cut with an ellipsis.</summary>
    public async Task RecordAsync(string actorId, string action, string target, string? before = null, string? after = null,
        string? detail = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.AdminAuditEntries.Add(Entry(time.GetUtcNow(), actorId, action, target, before, after, detail));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A new entry for an action written in the caller's own transaction (so that the action and its entry commit
    /// together). Values longer than the columns are cut with an ellipsis.
    /// </summary>
    public static AdminAuditEntry Entry(DateTimeOffset at, string actorId, string action, string target, string? before = null,
        string? after = null, string? detail = null) => new()
    {
        At = at, ActorId = Cut(actorId, 450)!, Action = action, Target = Cut(target, MaxValueLength)!,
        Before = Cut(before, MaxValueLength), After = Cut(after, MaxValueLength), Detail = Cut(detail, MaxDetailLength),
    };

    /// <summary>
    /// Newest first, optionally only one <paramref name="action"/> and only rows whose target, actor e-mail or detail
    /// contains <paramref name="search"/>.
    /// </summary>
    public async Task<(IReadOnlyList<AdminAuditRow> Items, int Total)> ListAsync(string? action, string? search, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = from e in db.AdminAuditEntries.AsNoTracking()
                   join u in db.Users on e.ActorId equals u.Id into actors
                   from u in actors.DefaultIfEmpty()
                   select new { e, Email = u == null ? null : u.Email };
        if (!string.IsNullOrEmpty(action)) rows = rows.Where(r => r.e.Action == action);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            rows = rows.Where(r => r.e.Target.Contains(s) || (r.Email != null && r.Email.Contains(s)) || (r.e.Detail != null && r.e.Detail.Contains(s)));
        }
        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(r => r.e.Id).Skip(skip).Take(take).ToListAsync(ct);
        return (page.Select(r => new AdminAuditRow(r.e.Id, r.e.At, r.Email ?? r.e.ActorId, r.e.Action, r.e.Target, r.e.Before, r.e.After, r.e.Detail)).ToList(), total);
    }

    /// <summary>
    /// The newest <paramref name="take"/> entries about one user or made by them: the target is one of
    /// <paramref name="targets"/> (their e-mail, their tokens as lists show them) or the actor is <paramref name="actorId"/>.
    /// </summary>
    public async Task<IReadOnlyList<AdminAuditRow>> ListForUserAsync(string actorId, IReadOnlyCollection<string> targets, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = targets.ToList();
        var rows = from e in db.AdminAuditEntries.AsNoTracking()
                   where list.Contains(e.Target) || e.ActorId == actorId
                   join u in db.Users on e.ActorId equals u.Id into actors
                   from u in actors.DefaultIfEmpty()
                   select new { e, Email = u == null ? null : u.Email };
        var page = await rows.OrderByDescending(r => r.e.Id).Take(take).ToListAsync(ct);
        return page.Select(r => new AdminAuditRow(r.e.Id, r.e.At, r.Email ?? r.e.ActorId, r.e.Action, r.e.Target, r.e.Before, r.e.After, r.e.Detail)).ToList();
    }

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..(max - 1)] + "…";
}

internal sealed class AdminAuditEntryConfiguration : IEntityTypeConfiguration<AdminAuditEntry>
{
    public void Configure(EntityTypeBuilder<AdminAuditEntry> b)
    {
        b.ToTable("AdminAuditEntries");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedOnAdd();
        b.Property(x => x.ActorId).HasMaxLength(450);
        b.Property(x => x.Action).HasMaxLength(64);
        b.Property(x => x.Target).HasMaxLength(AdminAuditLog.MaxValueLength);
        b.Property(x => x.Before).HasMaxLength(AdminAuditLog.MaxValueLength);
        b.Property(x => x.After).HasMaxLength(AdminAuditLog.MaxValueLength);
        b.Property(x => x.Detail).HasMaxLength(AdminAuditLog.MaxDetailLength);
        b.HasIndex(x => x.At);
        b.HasIndex(x => new { x.Action, x.Id });
    }
}
