using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>
/// What <see cref="BillingAudit.RunAsync"/> found. Every count named as a violation must be 0 (the money invariants of
/// docs/money.md); the rest are totals.
/// </summary>
/// <param name="Accounts">Accounts checked.</param>
/// <param name="NegativeBalances">Violation: accounts whose live or test balance is below zero (I1).</param>
/// <param name="LedgerMismatches">
/// Violation: accounts whose live balance differs from the sum of their live ledger entries, plus accounts whose test
/// balance differs from the sum of their test entries (I2, held per mode).
/// </param>
/// <param name="ChargesWithoutDebitEntry">Violation: charges whose debit ledger entry is missing.</param>
/// <param name="ChargeEntriesWithoutCharge">Violation: Charge ledger entries that name no charge.</param>
/// <param name="RefundMismatches">Violation: Refunded charges without exactly one refund entry, or other charges with one (I4).</param>
/// <param name="Pending">Charges still Pending (a violation once the process has stopped cleanly and the reconciler ran).</param>
/// <param name="Succeeded">Charges Succeeded.</param>
/// <param name="Refunded">Charges Refunded.</param>
/// <param name="ShortLinkVisits">Sum of every short link's visit count.</param>
/// <param name="TopUpMismatches">
/// Violation: Paid top-up orders without exactly one TopUp ledger entry of the order's amount for the order's user, and
/// TopUp entries that name no Paid order (a payment is credited exactly once, and only when paid).
/// </param>
/// <param name="ModeMismatches">
/// Violation: entries whose mode (live or test) differs from their charge's, test entries of a live-only kind (top-up,
/// redemption, adjustment) and test credits marked live: test money never moves live money.
/// </param>
/// <param name="LiveLedgerSumFen">Total of every live ledger entry, in fen (equals the sum of live balances when I2 holds).</param>
/// <param name="TestLedgerSumFen">Total of every test ledger entry, in fen, reported apart from live money.</param>
public sealed record BillingAuditReport(
    int Accounts, int NegativeBalances, int LedgerMismatches, int ChargesWithoutDebitEntry, int ChargeEntriesWithoutCharge,
    int RefundMismatches, int Pending, int Succeeded, int Refunded, long ShortLinkVisits, int TopUpMismatches = 0,
    int ModeMismatches = 0, long LiveLedgerSumFen = 0, long TestLedgerSumFen = 0)
{
    /// <summary>True when no invariant is violated (Pending counted as a violation when <paramref name="pendingIsViolation"/>).</summary>
    public bool Holds(bool pendingIsViolation) =>
        NegativeBalances == 0 && LedgerMismatches == 0 && ChargesWithoutDebitEntry == 0 && ChargeEntriesWithoutCharge == 0
        && RefundMismatches == 0 && TopUpMismatches == 0 && ModeMismatches == 0 && (!pendingIsViolation || Pending == 0);

    /// <summary>One line, <c>key=value</c> pairs, for logs and the benchmark.</summary>
    public override string ToString() =>
        $"accounts={Accounts} negativeBalances={NegativeBalances} ledgerMismatches={LedgerMismatches} " +
        $"chargesWithoutDebitEntry={ChargesWithoutDebitEntry} chargeEntriesWithoutCharge={ChargeEntriesWithoutCharge} " +
        $"refundMismatches={RefundMismatches} pending={Pending} succeeded={Succeeded} refunded={Refunded} shortLinkVisits={ShortLinkVisits} topUpMismatches={TopUpMismatches} " +
        $"modeMismatches={ModeMismatches} liveLedgerSumFen={LiveLedgerSumFen} testLedgerSumFen={TestLedgerSumFen}";
}

/// <summary>
/// Checks the money invariants from the database alone (aggregates run in the database, so it stays fast on millions of
/// rows): used by <c>admin billing verify</c>, the benchmark and the load tests.
/// </summary>
public sealed class BillingAudit(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Runs every check.</summary>
    public async Task<BillingAuditReport> RunAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        // I2 per mode: the live balance against the live entries, the test balance against the test entries.
        var sums = await db.LedgerEntries.GroupBy(e => new { e.UserId, e.IsTest }).Select(g => new { g.Key.UserId, g.Key.IsTest, Sum = g.Sum(e => e.AmountFen) })
            .ToListAsync(ct);
        var live = sums.Where(x => !x.IsTest).ToDictionary(x => x.UserId, x => x.Sum);
        var test = sums.Where(x => x.IsTest).ToDictionary(x => x.UserId, x => x.Sum);
        var balances = await db.Accounts.AsNoTracking().Select(a => new { a.UserId, a.BalanceFen, a.TestBalanceFen }).ToListAsync(ct);
        var accounts = balances.Select(a => a.UserId).ToHashSet(StringComparer.Ordinal);
        var mismatches = balances.Count(a => live.GetValueOrDefault(a.UserId) != a.BalanceFen)
            + balances.Count(a => test.GetValueOrDefault(a.UserId) != a.TestBalanceFen)
            + sums.Select(x => x.UserId).Distinct().Count(u => !accounts.Contains(u));
        var modeMismatches = await db.LedgerEntries.CountAsync(e => e.ChargeId != null && db.Charges.Any(c => c.Id == e.ChargeId && c.IsTest != e.IsTest), ct)
            + await db.LedgerEntries.CountAsync(e => e.IsTest != (e.Kind == LedgerEntryKind.TestCredit)
                && e.Kind != LedgerEntryKind.Charge && e.Kind != LedgerEntryKind.Refund, ct);

        var statuses = await db.Charges.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var withoutDebit = await db.Charges.CountAsync(c => !db.LedgerEntries.Any(e => e.Id == c.DebitEntryId), ct);
        var orphanEntries = await db.LedgerEntries.CountAsync(e => e.Kind == LedgerEntryKind.Charge && !db.Charges.Any(c => c.Id == e.ChargeId), ct);
        var refundMismatches = await db.Charges.CountAsync(c =>
            (c.Status == ChargeStatus.Refunded) != db.LedgerEntries.Any(e => e.RefundOfEntryId == c.DebitEntryId && e.ChargeId == c.Id), ct);
        var visits = await db.ShortLinks.SumAsync(l => (long?)l.VisitCount, ct) ?? 0;
        var paid = Portal.Features.Payments.TopUpOrderStatus.Paid;
        var topUpMismatches =
            await db.TopUpOrders.CountAsync(o => o.Status == paid && db.LedgerEntries.Count(e =>
                e.Kind == LedgerEntryKind.TopUp && e.TopUpOrderId == o.Id && e.UserId == o.UserId && e.AmountFen == o.AmountFen) != 1, ct)
            + await db.LedgerEntries.CountAsync(e => e.Kind == LedgerEntryKind.TopUp
                && !db.TopUpOrders.Any(o => o.Id == e.TopUpOrderId && o.Status == paid), ct);

        return new BillingAuditReport(balances.Count, balances.Count(a => a.BalanceFen < 0 || a.TestBalanceFen < 0), mismatches, withoutDebit, orphanEntries,
            refundMismatches, statuses.GetValueOrDefault(ChargeStatus.Pending), statuses.GetValueOrDefault(ChargeStatus.Succeeded),
            statuses.GetValueOrDefault(ChargeStatus.Refunded), visits, topUpMismatches, modeMismatches,
            live.Values.Sum(), test.Values.Sum());
    }
}
