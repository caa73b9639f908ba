using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// SQLite's log flush thread (<see cref="SqliteLogFlusher"/>): the writer commits without waiting for the disk, and a
/// batch's callers are answered only after the log is flushed. The flush is held with <see cref="WriterGate"/> at
/// <see cref="FaultPoints.LedgerLogFlushFails"/>, the point just before the flusher's fdatasync.
/// </summary>
[Trait("Category", TestCategories.Money)]
[Trait(TestCategories.ProviderOnly, TestCategories.Sqlite)]
public sealed class SqliteLogFlusherTests : IDisposable
{
    private const long Price = BillableProducts.DefaultPriceFen;
    private readonly WriterGate _gate = new();
    private readonly string _database = PortalFactory.NewDatabaseName();
    private readonly PortalFactory _factory;

    public SqliteLogFlusherTests()
    {
        _factory = Host(_database, deleteOnDispose: true);
    }

    private PortalFactory Host(string database, bool deleteOnDispose) =>
        new(database, deleteOnDispose) { TestServices = { s => s.AddSingleton<IFaultInjector>(_gate) } };

    private BillingLedger Ledger => _factory.Services.GetRequiredService<BillingLedger>();

    private static DebitRequest Debit(TestUser user) =>
        new(user.Id, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N"), Settled: true);

    private void SkipUnlessSqlite() =>
        Assert.SkipWhen(_factory.Provider != DatabaseProvider.Sqlite || !SqliteLogFlusher.Supported, "the log flush thread is SQLite's, on Unix");

    [Fact]
    public async Task CommittedBatch_NotAnsweredUntilTheLogIsFlushed_NorIsADurabilityBarrier()
    {
        SkipUnlessSqlite();
        var user = await _factory.CreateUserAsync(1000);

        _gate.HoldOnce(FaultPoints.LedgerLogFlushFails);
        var debit = Ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();

        // Committed (another connection sees the charge and the debited balance) and not answered.
        Assert.Single(await _factory.ChargesOfAsync(user.Id));
        Assert.Equal((1000 - Price, 1000 - Price, 2), await _factory.MoneyOfAsync(user.Id));
        var barrier = Ledger.DurableAsync();
        await Task.Delay(300);
        Assert.False(debit.IsCompleted, "a caller was answered before its batch was flushed");
        Assert.False(barrier.IsCompleted, "the durability barrier passed before the batch before it was flushed");

        _gate.Release();
        Assert.True((await debit).Succeeded);
        await barrier;
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Metrics_OperationDurationRunsUntilTheAnswerAfterTheFlush_QueueWaitAndFlushRecorded()
    {
        SkipUnlessSqlite();
        var user = await _factory.CreateUserAsync(1000);
        await Ledger.DebitAsync(Debit(user)); // the writer and its flusher started, outside what is measured
        var recorded = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<double>>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LedgerMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => recorded.GetOrAdd(instrument.Name, _ => []).Add(value));
        listener.Start();

        // Held about 400 ms between the commit and the log's fdatasync: the operation's duration covers the hold, the
        // time it queued and the flush itself do not. The hold is timed with the clock the metrics use (Task.Delay's
        // timer counts whole milliseconds and can end a fraction of one early).
        _gate.HoldOnce(FaultPoints.LedgerLogFlushFails);
        var debit = Ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();
        var held = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(400);
        var hold = held.Elapsed.TotalSeconds;
        _gate.Release();
        Assert.True((await debit).Succeeded);

        double[] Of(string name) => recorded.TryGetValue(name, out var values) ? [.. values] : [];
        Assert.Contains(Of("portal.ledger.operation_duration"), seconds => seconds >= hold);
        Assert.Contains(Of("portal.ledger.queue_wait"), seconds => seconds >= 0 && seconds < hold);
        Assert.Contains(Of("portal.ledger.log_flush_duration"), seconds => seconds >= 0 && seconds < hold);
    }

    [Fact]
    public async Task IdempotentReplay_WaitsUntilTheLedgerIsFlushed()
    {
        SkipUnlessSqlite();
        var user = await _factory.CreateUserAsync(1000);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        HttpRequestMessage ShortLink() => new(HttpMethod.Post, "/generate-shortlink")
        {
            Content = JsonContent.Create(new { longUrl = "https://example.com/replayed" }),
            Headers = { { "Idempotency-Key", "order-7" } },
        };
        var first = await client.SendAsync(ShortLink());
        Assert.Equal(200, (int)first.StatusCode);

        // Another batch committed and held before its flush: the stored response may not be replayed meanwhile.
        _gate.HoldOnce(FaultPoints.LedgerLogFlushFails);
        var other = Ledger.DebitAsync(Debit(user));
        _gate.WaitUntilHeld();
        var replay = client.SendAsync(ShortLink());
        await Task.Delay(300);
        Assert.False(replay.IsCompleted, "a stored response was replayed before the ledger's last commit was flushed");

        _gate.Release();
        var replayed = await replay;
        Assert.Equal(200, (int)replayed.StatusCode);
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        Assert.True((await other).Succeeded);
        Assert.Equal((1000 - 2 * Price, 1000 - 2 * Price, 3), await _factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task FlushFails_NobodyAcknowledged_WriterTakesNothingMore_RestartFindsTheMoneyExact()
    {
        SkipUnlessSqlite();
        var database = PortalFactory.NewDatabaseName();
        TestUser user;
        using (var failing = Host(database, deleteOnDispose: false))
        {
            user = await failing.CreateUserAsync(1000);
            var client = failing.ApiClient(await failing.IssueTokenAsync(user));
            var ledger = failing.Services.GetRequiredService<BillingLedger>();

            _gate.Arm(FaultPoints.LedgerLogFlushFails);
            await Assert.ThrowsAsync<LedgerFlushFailedException>(() => ledger.DebitAsync(Debit(user)));

            // Nothing more is written: refused as unavailable (nothing happened), in the route's envelope on the API.
            await Assert.ThrowsAsync<LedgerUnavailableException>(() => ledger.DebitAsync(Debit(user)));
            var refused = await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/after" });
            Assert.Equal(503, (int)refused.StatusCode);
            Assert.Equal(503, (await refused.ReadJsonAsync()).GetProperty("code").GetInt32());
            Assert.Equal((1000 - Price, 1000 - Price, 2), await failing.MoneyOfAsync(user.Id));
        }

        // The batch whose flush failed was committed; after a restart the log is recovered and the money adds up.
        using var restarted = Host(database, deleteOnDispose: true);
        Assert.Equal((1000 - Price, 1000 - Price, 2), await restarted.MoneyOfAsync(user.Id));
        Assert.True((await restarted.Services.GetRequiredService<BillingLedger>().DebitAsync(Debit(user))).Succeeded);
        Assert.Equal((1000 - 2 * Price, 1000 - 2 * Price, 3), await restarted.MoneyOfAsync(user.Id));
        await restarted.AssertLedgerInvariantsAsync();
    }

    public void Dispose()
    {
        _factory.Dispose();
        _gate.Dispose();
    }
}
