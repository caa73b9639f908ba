using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Billing;
using Portal.Features.Billing.Ledger;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// The group-committed ledger writer: many requests in one transaction, each in its own savepoint, answered only after
/// COMMIT. The writer is held (<see cref="WriterGate"/>) so that the operations under test are queued together and
/// taken as one batch.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class LedgerWriterTests : IDisposable
{
    private const long Price = BillableProducts.DefaultPriceFen;
    private readonly WriterGate _gate = new();
    private readonly string _database = PortalFactory.NewDatabaseName();
    private readonly PortalFactory _factory;

    public LedgerWriterTests()
    {
        _factory = Host(_database, _gate, deleteOnDispose: true);
    }

    private static PortalFactory Host(string database, IFaultInjector faults, bool deleteOnDispose, Action<PortalFactory>? configure = null)
    {
        var factory = new PortalFactory(database, deleteOnDispose) { TestServices = { s => s.AddSingleton(faults) } };
        configure?.Invoke(factory);
        return factory;
    }

    private BillingLedger Ledger => _factory.Services.GetRequiredService<BillingLedger>();

    private LedgerWriter Writer => _factory.Services.GetRequiredService<LedgerWriter>();

    private static DebitRequest Debit(TestUser user, bool settled = true, string? requestId = null, IReadOnlyList<object>? rows = null) =>
        new(user.Id, BillableProducts.ShortLinkCreate, requestId ?? Guid.NewGuid().ToString("N"), Rows: rows, Settled: settled);

    /// <summary>Holds the writer after committing one operation, queues <paramref name="next"/>, then lets it take them as one batch.</summary>
    private async Task<T[]> AsOneBatchAsync<T>(TestUser user, IReadOnlyList<Func<Task<T>>> next)
    {
        _gate.HoldOnce(FaultPoints.LedgerAfterCommit);
        var first = Ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();
        var queued = next.Select(f => Task.Run(f)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Writer.QueueLength < next.Count && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(next.Count, Writer.QueueLength);
        _gate.Release();
        Assert.True((await first).Succeeded);
        return await Task.WhenAll(queued);
    }

    [Fact]
    public async Task Batch_OneDuplicateRequestIdAmongNeighbours_OnlyThatOneRefused()
    {
        var user = await _factory.CreateUserAsync(1000);
        var taken = Debit(user);
        Assert.True((await Ledger.DebitAsync(taken)).Succeeded);
        var requests = Enumerable.Range(0, 20).Select(i => i == 7 ? taken : Debit(user, settled: i % 2 == 0)).ToList();

        var outcomes = await AsOneBatchAsync(user, requests.Select(r => (Func<Task<DebitOutcome>>)(() => Ledger.DebitAsync(r))).ToList());

        Assert.Equal(DebitRefusal.DuplicateRequest, outcomes[7].Refusal);
        Assert.All(outcomes.Where((_, i) => i != 7), o => Assert.True(o.Succeeded));
        var expected = 1000 - Price * (1 + 1 + 19);
        Assert.Equal(expected, outcomes[7].BalanceFen);
        Assert.Equal(expected, outcomes.Where(o => o.Succeeded).Min(o => o.BalanceFen));
        Assert.Equal(21, (await _factory.ChargesOfAsync(user.Id)).Count);
        Assert.Equal((expected, expected, 22), await _factory.MoneyOfAsync(user.Id));
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Batch_TwoRefusalsAndAnUnderfundedDebit_EachAnsweredAloneAndTheRestCommitted()
    {
        // The first refusal makes the writer run the batch again; the second is met in that run, where every operation
        // has a savepoint of its own. The underfunded debit in between changes nothing either way.
        var user = await _factory.CreateUserAsync(Price * 30);
        var poor = await _factory.CreateUserAsync(Price - 1);
        var taken = new[] { Debit(user), Debit(user) };
        foreach (var t in taken) Assert.True((await Ledger.DebitAsync(t)).Succeeded);
        var requests = Enumerable.Range(0, 16).Select(i => i switch
        {
            3 => taken[0],
            9 => Debit(poor),
            12 => taken[1],
            _ => Debit(user, settled: i % 3 != 0),
        }).ToList();

        var outcomes = await AsOneBatchAsync(user, requests.Select(r => (Func<Task<DebitOutcome>>)(() => Ledger.DebitAsync(r))).ToList());

        Assert.Equal(DebitRefusal.DuplicateRequest, outcomes[3].Refusal);
        Assert.Equal(DebitRefusal.DuplicateRequest, outcomes[12].Refusal);
        Assert.Equal(DebitRefusal.InsufficientFunds, outcomes[9].Refusal);
        Assert.Equal(Price - 1, outcomes[9].BalanceFen);
        Assert.Equal(13, outcomes.Count(o => o.Succeeded));
        var expected = Price * 30 - Price * (1 + 2 + 13);
        Assert.Equal((expected, expected, 17), await _factory.MoneyOfAsync(user.Id));
        Assert.Equal((Price - 1, Price - 1, 1), await _factory.MoneyOfAsync(poor.Id));
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Batch_RowCollidesWithAnExistingCode_OnlyThatDebitRefusedAsRowConflict()
    {
        var user = await _factory.CreateUserAsync(1000);
        var links = _factory.Services.GetRequiredService<LinkService>();
        var existing = await links.CreateShortLinkAsync(user.Id, "https://example.com/first", CancellationToken.None);
        var clash = links.NewShortLink(user.Id, "https://example.com/clash");
        var colliding = new ShortLink { Id = clash.Id, Code = existing.Code, UserId = user.Id, LongUrl = clash.LongUrl, CreatedAt = clash.CreatedAt };
        var requests = Enumerable.Range(0, 10).Select(i => i == 3
            ? Debit(user, rows: [colliding])
            : Debit(user, rows: [links.NewShortLink(user.Id, $"https://example.com/{i}")])).ToList();

        var outcomes = await AsOneBatchAsync(user, requests.Select(r => (Func<Task<DebitOutcome>>)(() => Ledger.DebitAsync(r))).ToList());

        Assert.Equal(DebitRefusal.RowConflict, outcomes[3].Refusal);
        Assert.Equal(9, outcomes.Count(o => o.Succeeded));
        await using var db = await _factory.DbAsync();
        Assert.Equal(10, await db.ShortLinks.CountAsync(l => l.UserId == user.Id));
        Assert.Equal("https://example.com/first", (await db.ShortLinks.SingleAsync(l => l.Code == existing.Code)).LongUrl);
        Assert.Equal(1000 - Price * 10, (await _factory.MoneyOfAsync(user.Id)).Balance);
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Batch_ManyAccountsAndKinds_EachAccountDebitedInTurnAndTheOneThatRunsOutTakesWhatItCan()
    {
        // One batch: a rich account's short links and plain debits, a test-mode debit of the same account, and a tight
        // account with five debits and the price of three. On PostgreSQL the debits go as a set (each account's together
        // when its balance covers them, else one by one); either way every account's ledger steps down a price at a time.
        var rich = await _factory.CreateUserAsync(Price * 50);
        var tight = await _factory.CreateUserAsync(Price * 3);
        Assert.True((await Ledger.AddTestCreditAsync(rich.Id, Price * 5)).Succeeded);
        var links = _factory.Services.GetRequiredService<LinkService>();
        var requests = Enumerable.Range(0, 15).Select(i => i switch
        {
            < 5 => Debit(tight, settled: i % 2 == 0),
            < 10 => Debit(rich, rows: [links.NewShortLink(rich.Id, $"https://example.com/set/{i}")]),
            < 14 => Debit(rich, settled: i % 2 == 0),
            _ => Debit(rich) with { Test = true },
        }).ToList();

        var outcomes = await AsOneBatchAsync(rich, requests.Select(r => (Func<Task<DebitOutcome>>)(() => Ledger.DebitAsync(r))).ToList());

        Assert.Equal(3, outcomes.Take(5).Count(o => o.Succeeded));
        Assert.All(outcomes.Take(5).Where(o => !o.Succeeded), o => Assert.Equal((DebitRefusal.InsufficientFunds, 0L), (o.Refusal, o.BalanceFen)));
        Assert.All(outcomes.Skip(5), o => Assert.True(o.Succeeded));
        // Each debit's answer and ledger entry carry the balance after it: distinct steps of one price.
        var richAfter = Price * 50 - Price;
        Assert.Equal(Enumerable.Range(1, 9).Select(k => richAfter - k * Price).Order(), outcomes.Skip(5).Take(9).Select(o => o.BalanceFen).Order());
        Assert.Equal(Price * 4, outcomes[14].BalanceFen);
        Assert.Equal(new[] { 0, Price, Price * 2 }, outcomes.Take(5).Where(o => o.Succeeded).Select(o => o.BalanceFen).Order());
        await using var db = await _factory.DbAsync();
        foreach (var (user, test, start, count) in new[] { (rich, false, Price * 50, 10), (rich, true, Price * 5, 1), (tight, false, Price * 3, 3) })
        {
            var steps = await db.LedgerEntries.Where(e => e.UserId == user.Id && e.IsTest == test && e.Kind == LedgerEntryKind.Charge)
                .Select(e => e.BalanceAfterFen).ToListAsync();
            Assert.Equal(Enumerable.Range(1, count).Select(k => start - k * Price).Order(), steps.Order());
        }
        Assert.Equal(5, await db.ShortLinks.CountAsync(l => l.UserId == rich.Id));
        Assert.Equal((richAfter - 9 * Price, richAfter - 9 * Price, 11), await _factory.MoneyOfAsync(rich.Id));
        Assert.Equal(Price * 4, (await _factory.TestMoneyOfAsync(rich.Id)).Balance);
        Assert.Equal((0L, 0L, 4), await _factory.MoneyOfAsync(tight.Id));
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Batch_CommitFails_EveryOperationFailsAndNoneIsWritten()
    {
        var user = await _factory.CreateUserAsync(1000);
        var requests = Enumerable.Range(0, 8).Select(_ => Debit(user)).ToList();

        _gate.HoldOnce(FaultPoints.LedgerAfterCommit);
        var first = Ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();
        var queued = requests.Select(r => Task.Run(() => Ledger.DebitAsync(r))).ToList();
        while (Writer.QueueLength < requests.Count) await Task.Delay(5);
        _gate.Arm(FaultPoints.LedgerCommitFails);
        _gate.Release();

        Assert.True((await first).Succeeded);
        foreach (var task in queued) await Assert.ThrowsAsync<LedgerUnavailableException>(() => task);
        Assert.Single(await _factory.ChargesOfAsync(user.Id));
        Assert.Equal((1000 - Price, 1000 - Price, 2), await _factory.MoneyOfAsync(user.Id));

        // The writer carries on with a new connection.
        Assert.True((await Ledger.DebitAsync(Debit(user))).Succeeded);
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task QueueFull_ApiAnswers503WithRetryAfterAndChargesNothing()
    {
        using var factory = Host(PortalFactory.NewDatabaseName(), _gate, deleteOnDispose: true,
            f => f.Settings["Billing:Writer:QueueCapacity"] = "2");
        var user = await factory.CreateUserAsync(1000);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));
        var ledger = factory.Services.GetRequiredService<BillingLedger>();
        var writer = factory.Services.GetRequiredService<LedgerWriter>();
        _gate.HoldOnce(FaultPoints.LedgerAfterCommit);
        var first = ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();
        var waiting = Enumerable.Range(0, 2).Select(_ => Task.Run(() => ledger.DebitAsync(Debit(user)))).ToList();
        while (writer.QueueLength < 2) await Task.Delay(5);

        var refused = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/full" });

        Assert.Equal(503, refused.Status);
        Assert.Equal(503, refused.Body.GetProperty("code").GetInt32());
        Assert.Equal("1", refused.Message.Headers.RetryAfter?.ToString());
        _gate.Release();
        await first;
        await Task.WhenAll(waiting);
        Assert.Equal(3, (await factory.ChargesOfAsync(user.Id)).Count);
        Assert.Equal(1000 - 3 * Price, (await factory.MoneyOfAsync(user.Id)).Balance);
        await factory.AssertLedgerInvariantsAsync();
    }

    [Theory]
    [InlineData(FaultPoints.LedgerBetweenSavepoints)]
    [InlineData(FaultPoints.LedgerAfterCommit)]
    public async Task CrashInsideABatch_RestartAndReconcile_MoneyExactAndNothingPending(string point)
    {
        var database = PortalFactory.NewDatabaseName();
        var gate = new WriterGate();
        TestUser user;
        var committed = point == FaultPoints.LedgerAfterCommit;
        using (var crashing = Host(database, gate, deleteOnDispose: false))
        {
            user = await crashing.CreateUserAsync(1000);
            var ledger = crashing.Services.GetRequiredService<BillingLedger>();
            var writer = crashing.Services.GetRequiredService<LedgerWriter>();
            // Half of the batch is local work (created Succeeded), half waits for an upstream (Pending).
            var requests = Enumerable.Range(0, 6).Select(i => Debit(user, settled: i % 2 == 0)).ToList();
            gate.HoldOnce(FaultPoints.LedgerAfterCommit);
            var first = ledger.DebitAsync(Debit(user));
            gate.WaitUntilHeld();
            var queued = requests.Select(r => Task.Run(() => ledger.DebitAsync(r))).ToList();
            while (writer.QueueLength < requests.Count) await Task.Delay(5);
            gate.Arm(point);
            gate.Release();
            Assert.True((await first).Succeeded);
            foreach (var task in queued) await Assert.ThrowsAsync<InjectedFaultException>(() => task);
            Assert.Contains(point, gate.Fired);
        }
        gate.Dispose();

        // The process "died" there; a new one over the same database, past the pending timeout, reconciles twice at once.
        using var restarted = Host(database, new NoFaults(), deleteOnDispose: true, f =>
            f.TestServices.Add(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1)))));
        var refunds = await Task.WhenAll(Reconcile(restarted), Reconcile(restarted));

        Assert.Equal(committed ? 3 : 0, refunds.Sum());
        var charges = await restarted.ChargesOfAsync(user.Id);
        Assert.Equal(committed ? 7 : 1, charges.Count);
        Assert.DoesNotContain(charges, c => c.Status == ChargeStatus.Pending);
        Assert.Equal(committed ? 3 : 0, charges.Count(c => c.Status == ChargeStatus.Refunded));
        var expected = 1000 - Price * (committed ? 4 : 1);
        Assert.Equal(expected, (await restarted.MoneyOfAsync(user.Id)).Balance);
        await restarted.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task TwoHostsOneDatabase_64WayOverSpendRaceSplitAcrossBoth_ExactlyTheFundedCallsSucceed()
    {
        const int calls = 64, funded = 10;
        using var second = Host(_database, new NoFaults(), deleteOnDispose: false);
        var user = await _factory.CreateUserAsync(funded * Price);
        var token = await _factory.IssueTokenAsync(user);
        var clients = new[] { _factory.ApiClient(token), second.ApiClient(token) };

        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, calls).Select(async i =>
        {
            await start.WaitAsync();
            return await clients[i % 2].PostAsync("/generate-shortlink", new { longUrl = $"https://example.com/race/{i}" });
        }).ToList();
        start.Release(calls);
        var responses = await Task.WhenAll(tasks);

        Assert.Equal(funded, responses.Count(r => r.Status == 200));
        Assert.Equal(calls - funded, responses.Count(r => r.Status == 402));
        Assert.Equal((0L, 0L, 1 + funded), await _factory.MoneyOfAsync(user.Id));
        Assert.Equal(funded, (await _factory.ChargesOfAsync(user.Id)).Count(c => c.Status == ChargeStatus.Succeeded));
        await _factory.AssertLedgerInvariantsAsync();
    }

    private static async Task<int> Reconcile(PortalFactory factory)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<ReconcilePendingChargesJob>().RunAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _gate.Dispose();
        _factory.Dispose();
    }
}
