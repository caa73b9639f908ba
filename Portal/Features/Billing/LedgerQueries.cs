using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>A ledger entry as the portal lists it.</summary>
public sealed record LedgerEntryRow(Guid Id, DateTimeOffset CreatedAt, LedgerEntryKind Kind, long AmountFen, long BalanceAfterFen, string? Description, string? RequestId);

/// <summary>A charge (one billable call) as the portal lists it.</summary>
public sealed record ChargeRow(Guid Id, DateTimeOffset CreatedAt, string Product, long PriceFen, ChargeStatus Status, string RequestId, bool ViaApi, string? FailureReason);

/// <summary>Totals for the admin overview.</summary>
/// <param name="Users">Registered users.</param>
/// <param name="TotalBalanceFen">Sum of all balances, in fen.</param>
/// <param name="ChargesLast24h">Charges created in the last 24 hours (any status).</param>
/// <param name="RevenueLast24hFen">Fen of succeeded charges created in the last 24 hours.</param>
/// <param name="PendingCharges">Charges still Pending (the reconciler refunds stale ones).</param>
public sealed record BillingStats(int Users, long TotalBalanceFen, int ChargesLast24h, long RevenueLast24hFen, int PendingCharges);

/// <summary>
/// Read-only queries over the ledger for the portal's pages (lists, dashboard, admin overview). Writes are
/// <see cref="BillingLedger"/>'s alone.
/// </summary>
public sealed class LedgerQueries(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>One page of <paramref name="userId"/>'s ledger entries, newest first, and their total count.</summary>
    public Task<(IReadOnlyList<LedgerEntryRow> Items, int Total)> ListEntriesAsync(string userId, int skip, int take, CancellationToken ct = default) =>
        ListEntriesAsync(userId, LedgerFilter.None, skip, take, ct);

    /// <summary>One page of <paramref name="userId"/>'s ledger entries that pass <paramref name="filter"/>, newest first, and their total count.</summary>
    /// <remarks>
    /// Every billed call writes a <see cref="LedgerEntryKind.Charge"/> entry, so those are left out of the ledger's
    /// per-user index (one index page fewer to write per call; see <c>LedgerEntryConfiguration</c>). A user's charge
    /// entries are found through the charges' per-user index instead, joined by each charge's debit entry; each half is
    /// read newest first, at most <paramref name="skip"/> + <paramref name="take"/> rows, and the two are merged here.
    /// </remarks>
    public async Task<(IReadOnlyList<LedgerEntryRow> Items, int Total)> ListEntriesAsync(string userId, LedgerFilter filter, int skip, int take, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var upTo = take > int.MaxValue - skip ? int.MaxValue : skip + take;
        var rows = new List<LedgerEntryRow>();
        var total = 0;
        foreach (var half in EntryHalves(db, userId, filter))
        {
            rows.AddRange(await NewestFirst(half).Take(upTo).ToListAsync(ct));
            total += await half.CountAsync(ct);
        }
        rows.Sort(NewestFirstOrder);
        return (rows.Skip(skip).Take(take).ToList(), total);
    }

    /// <summary>Every ledger entry of <paramref name="userId"/> that passes <paramref name="filter"/>, newest first, streamed (for CSV export).</summary>
    /// <remarks>The two halves described at <see cref="ListEntriesAsync(string, LedgerFilter, int, int, CancellationToken)"/> are streamed side by side and merged.</remarks>
    public async IAsyncEnumerable<LedgerEntryRow> StreamEntriesAsync(string userId, LedgerFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        // One context per half: a context runs one query at a time.
        await using var chargesDb = await dbFactory.CreateDbContextAsync(ct);
        await using var othersDb = await dbFactory.CreateDbContextAsync(ct);
        static IAsyncEnumerable<LedgerEntryRow> Rows(IQueryable<LedgerEntry>? half) =>
            half is null ? AsyncEnumerable.Empty<LedgerEntryRow>() : NewestFirst(half).AsAsyncEnumerable();
        await using var charges = Rows(ChargeEntries(chargesDb, userId, filter)).GetAsyncEnumerator(ct);
        await using var others = Rows(OtherEntries(othersDb, userId, filter)).GetAsyncEnumerator(ct);
        var hasCharge = await charges.MoveNextAsync();
        var hasOther = await others.MoveNextAsync();
        while (hasCharge || hasOther)
        {
            if (hasCharge && (!hasOther || NewestFirstOrder(charges.Current, others.Current) <= 0))
            {
                yield return charges.Current;
                hasCharge = await charges.MoveNextAsync();
            }
            else
            {
                yield return others.Current;
                hasOther = await others.MoveNextAsync();
            }
        }
    }

    /// <summary>One page of <paramref name="userId"/>'s charges (billable calls), newest first, and their total count.</summary>
    public Task<(IReadOnlyList<ChargeRow> Items, int Total)> ListChargesAsync(string userId, int skip, int take, CancellationToken ct = default) =>
        ListChargesAsync(userId, LedgerFilter.None, skip, take, ct);

    /// <summary>One page of <paramref name="userId"/>'s charges that pass <paramref name="filter"/>, newest first, and their total count.</summary>
    public async Task<(IReadOnlyList<ChargeRow> Items, int Total)> ListChargesAsync(string userId, LedgerFilter filter, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = Charges(db, userId, filter);
        var items = await q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Skip(skip).Take(take)
            .Select(c => new ChargeRow(c.Id, c.CreatedAt, c.Product, c.PriceFen, c.Status, c.RequestId, c.ApiTokenId != null, c.FailureReason))
            .ToListAsync(ct);
        return (items, await q.CountAsync(ct));
    }

    /// <summary>Every charge of <paramref name="userId"/> that passes <paramref name="filter"/>, newest first, streamed (for CSV export).</summary>
    public async IAsyncEnumerable<ChargeRow> StreamChargesAsync(string userId, LedgerFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = Charges(db, userId, filter).OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Select(c => new ChargeRow(c.Id, c.CreatedAt, c.Product, c.PriceFen, c.Status, c.RequestId, c.ApiTokenId != null, c.FailureReason))
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct)) yield return row;
    }

    private static IEnumerable<IQueryable<LedgerEntry>> EntryHalves(PortalDbContext db, string userId, LedgerFilter filter) =>
        new[] { ChargeEntries(db, userId, filter), OtherEntries(db, userId, filter) }.OfType<IQueryable<LedgerEntry>>();

    /// <summary>
    /// The user's Charge entries, found through the charges' per-user index (a debit entry has its charge's time and
    /// mode), or null when <paramref name="filter"/> asks for another kind.
    /// </summary>
    internal static IQueryable<LedgerEntry>? ChargeEntries(PortalDbContext db, string userId, LedgerFilter filter)
    {
        if (filter.Kind is { } kind && kind != LedgerEntryKind.Charge) return null;
        // A debit entry stands whatever its charge's status became (a refund is an entry of its own).
        return Charges(db, userId, filter with { Status = null })
            .Join(db.LedgerEntries.AsNoTracking(), c => c.DebitEntryId, e => e.Id, (c, e) => e);
    }

    /// <summary>
    /// Every other entry of the user, through the ledger's per-user index (its <c>Kind &lt;&gt; 'Charge'</c> filter is
    /// spelled out in the query so that the planner may use it), or null when <paramref name="filter"/> asks for Charge
    /// entries only.
    /// </summary>
    internal static IQueryable<LedgerEntry>? OtherEntries(PortalDbContext db, string userId, LedgerFilter filter)
    {
        if (filter.Kind == LedgerEntryKind.Charge) return null;
        var q = db.LedgerEntries.AsNoTracking().Where(e => e.UserId == userId && e.Kind != LedgerEntryKind.Charge && e.IsTest == filter.Test);
        if (filter.Since is { } since) q = q.Where(e => e.CreatedAt >= since);
        if (filter.Before is { } before) q = q.Where(e => e.CreatedAt < before);
        if (filter.Kind is { } kind) q = q.Where(e => e.Kind == kind);
        // Refund entries carry their product code as the description.
        if (filter.Product is { } product) q = q.Where(e => e.Kind == LedgerEntryKind.Refund && e.Description == product);
        return q;
    }

    private static IQueryable<LedgerEntryRow> NewestFirst(IQueryable<LedgerEntry> entries) =>
        entries.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id)
            .Select(e => new LedgerEntryRow(e.Id, e.CreatedAt, e.Kind, e.AmountFen, e.BalanceAfterFen, e.Description, e.RequestId));

    private static int NewestFirstOrder(LedgerEntryRow a, LedgerEntryRow b)
    {
        var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : b.Id.CompareTo(a.Id);
    }

    private static IQueryable<Charge> Charges(PortalDbContext db, string userId, LedgerFilter filter)
    {
        var q = db.Charges.AsNoTracking().Where(c => c.UserId == userId && c.IsTest == filter.Test);
        if (filter.Since is { } since) q = q.Where(c => c.CreatedAt >= since);
        if (filter.Before is { } before) q = q.Where(c => c.CreatedAt < before);
        if (filter.Status is { } status) q = q.Where(c => c.Status == status);
        if (filter.Product is { } product) q = q.Where(c => c.Product == product);
        return q;
    }

    /// <summary>Overall figures for admins: live money only (test-mode charges are left out).</summary>
    public async Task<BillingStats> GetStatsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var since = time.GetUtcNow().AddDays(-1);
        var users = await db.Users.CountAsync(ct);
        var totalBalance = await db.Accounts.SumAsync(a => a.BalanceFen, ct);
        var recent = db.Charges.Where(c => c.CreatedAt >= since && !c.IsTest);
        var recentCount = await recent.CountAsync(ct);
        var revenue = await recent.Where(c => c.Status == ChargeStatus.Succeeded).SumAsync(c => c.PriceFen, ct);
        var pending = await db.Charges.CountAsync(c => c.Status == ChargeStatus.Pending, ct);
        return new BillingStats(users, totalBalance, recentCount, revenue, pending);
    }
}
