using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// The ledger list: Charge entries come through the charges' per-user index and every other entry through the ledger's
/// (which leaves Charge entries out), merged newest first. Checked against the ledger table read whole.
/// </summary>
public sealed class LedgerQueriesTests : IDisposable
{
    private readonly FakeClockPortalFactory _factory = new();

    [Fact]
    public async Task ListAndStream_EveryKindInterleaved_PageThroughTheWholeLedgerNewestFirst()
    {
        var (user, _) = await SeedAsync();
        var queries = _factory.Services.GetRequiredService<LedgerQueries>();
        var expected = await LedgerAsync(user, test: false);

        var paged = new List<LedgerEntryRow>();
        for (var skip = 0; ; skip += 3)
        {
            var (items, total) = await queries.ListEntriesAsync(user, LedgerFilter.None, skip, 3);
            Assert.Equal(expected.Count, total);
            if (items.Count == 0) break;
            paged.AddRange(items);
        }
        var streamed = await queries.StreamEntriesAsync(user, LedgerFilter.None).ToListAsync();

        Assert.Equal(expected.Select(e => e.Id), paged.Select(e => e.Id));
        Assert.Equal(expected.Select(e => e.Id), streamed.Select(e => e.Id));
        Assert.Contains(expected, e => e.Kind == LedgerEntryKind.Charge);
        Assert.Contains(expected, e => e.Kind != LedgerEntryKind.Charge);
    }

    [Fact]
    public async Task List_EachFilter_HoldsExactlyTheMatchingEntries()
    {
        var (user, midday) = await SeedAsync();
        var queries = _factory.Services.GetRequiredService<LedgerQueries>();
        var live = await LedgerAsync(user, test: false);
        var test = await LedgerAsync(user, test: true);
        var day = UiFormat.Today(midday);
        var product = BillableProducts.QrCodeGenerate;
        var cases = new (LedgerFilter Filter, IEnumerable<LedgerEntry> Expected)[]
        {
            (new LedgerFilter(Kind: LedgerEntryKind.Charge), live.Where(e => e.Kind == LedgerEntryKind.Charge)),
            (new LedgerFilter(Kind: LedgerEntryKind.Refund), live.Where(e => e.Kind == LedgerEntryKind.Refund)),
            (new LedgerFilter(Kind: LedgerEntryKind.AdminAdjust), live.Where(e => e.Kind == LedgerEntryKind.AdminAdjust)),
            (new LedgerFilter(Product: product), live.Where(e => e.Kind is LedgerEntryKind.Charge or LedgerEntryKind.Refund && e.Description == product)),
            (new LedgerFilter(From: day, To: day), live.Where(e => UiFormat.Today(e.CreatedAt) == day)),
            (new LedgerFilter(From: day.AddDays(1)), live.Where(e => UiFormat.Today(e.CreatedAt) > day)),
            (new LedgerFilter(Test: true), test),
            // A status is the calls page's filter: the ledger lists every debit entry, whatever became of its charge.
            (new LedgerFilter(Status: ChargeStatus.Refunded), live),
        };

        foreach (var (filter, expected) in cases)
        {
            var (items, total) = await queries.ListEntriesAsync(user, filter, 0, 100);
            var streamed = await queries.StreamEntriesAsync(user, filter).ToListAsync();
            Assert.True(expected.Any(), filter.ToString());
            Assert.Equal(expected.Select(e => e.Id), items.Select(e => e.Id));
            Assert.Equal(expected.Select(e => e.Id), streamed.Select(e => e.Id));
            Assert.Equal(expected.Count(), total);
        }
    }

    [Fact]
    public async Task Halves_EachUseItsPerUserIndex()
    {
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var filter = new LedgerFilter(From: new DateOnly(2026, 1, 1), To: new DateOnly(2026, 12, 31));

        var others = await PlanAsync(db, LedgerQueries.OtherEntries(db, "user", filter)!);
        var charges = await PlanAsync(db, LedgerQueries.ChargeEntries(db, "user", filter)!);

        Assert.Contains("IX_LedgerEntries_UserId_CreatedAt", others);
        Assert.Contains("IX_Charges_UserId_CreatedAt", charges);
    }

    // Funds a user, then writes every kind of entry over three days, some of them in the same instant, and a test-mode
    // credit and charge; returns the user and the second day's midday.
    private async Task<(string User, DateTimeOffset Midday)> SeedAsync()
    {
        var user = (await _factory.CreateUserAsync(balanceFen: 1000)).Id;
        var other = (await _factory.CreateUserAsync(balanceFen: 1000)).Id;
        var ledger = _factory.Services.GetRequiredService<BillingLedger>();
        var clock = _factory.Clock;
        var midday = UiFormat.StartOfDay(UiFormat.Today(clock.GetUtcNow()).AddDays(2)).AddHours(12);
        for (var d = -1; d <= 1; d++)
        {
            clock.SetUtcNow(midday.AddDays(d));
            await DebitAsync(ledger, user, BillableProducts.ShortLinkCreate);
            await DebitAsync(ledger, other, BillableProducts.ShortLinkCreate);
            var failed = await ledger.DebitAsync(new DebitRequest(user, BillableProducts.QrCodeGenerate, "req-" + Guid.NewGuid().ToString("N")));
            Assert.True((await ledger.RefundAsync(failed.ChargeId, "upstream failed", userId: user)).Refunded);
            Assert.True((await ledger.AdjustAsync("test-admin", user, 7, "goodwill")).Succeeded);
            clock.Advance(TimeSpan.FromMinutes(1));
            await DebitAsync(ledger, user, BillableProducts.QrCodeGenerate);
        }
        Assert.True((await ledger.AddTestCreditAsync(user, 50)).Succeeded);
        Assert.True((await ledger.DebitAsync(new DebitRequest(user, BillableProducts.ShortLinkCreate, "req-" + Guid.NewGuid().ToString("N"), Settled: true, Test: true))).Succeeded);
        return (user, midday);
    }

    // The user's ledger read whole from the table, newest first, ties by id as the list orders them.
    private async Task<List<LedgerEntry>> LedgerAsync(string user, bool test)
    {
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var rows = await db.LedgerEntries.AsNoTracking().Where(e => e.UserId == user && e.IsTest == test).ToListAsync();
        return rows.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).ToList();
    }

    // The database's plan for the query (PostgreSQL with sequential scans off: its tables here are a few rows).
    private async Task<string> PlanAsync(PortalDbContext db, IQueryable<LedgerEntry> query)
    {
        await using var command = query.CreateDbCommand();
        var sqlite = _factory.Provider == DatabaseProvider.Sqlite;
        if (!sqlite)
        {
            await using var off = db.Database.GetDbConnection().CreateCommand();
            off.CommandText = "SET enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }
        command.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + command.CommandText;
        var plan = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetValue(sqlite ? 3 : 0).ToString()!);
        return string.Join("\n", plan);
    }

    private static async Task DebitAsync(BillingLedger ledger, string userId, string product) =>
        Assert.True((await ledger.DebitAsync(new DebitRequest(userId, product, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);

    public void Dispose() => _factory.Dispose();
}
