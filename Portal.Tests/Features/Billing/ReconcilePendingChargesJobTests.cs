using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// The reconciler (docs/money.md I6): a Pending charge older than <c>Billing:PendingChargeTimeout</c> is refunded
/// exactly once even when two runs overlap; Succeeded and young Pending charges are untouched.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class ReconcilePendingChargesJobTests : IClassFixture<ReconcilePendingChargesJobTests.Factory>, IAsyncLifetime
{
    /// <summary>Own database and fake clock: the reconciler sweeps every user's charges.</summary>
    public sealed class Factory : FakeClockPortalFactory
    {
        public Factory() => Settings["Billing:PendingChargeTimeout"] = "00:05:00";
    }

    private readonly Factory _factory;

    public ReconcilePendingChargesJobTests(Factory factory) => _factory = factory;

    private BillingLedger Ledger => _factory.Services.GetRequiredService<BillingLedger>();

    public async ValueTask InitializeAsync()
    {
        // Leave nothing stale behind from an earlier test of this class.
        _factory.Clock.Advance(TimeSpan.FromDays(1));
        await NewJob().RunAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ReconcilePendingChargesJob NewJob() => ActivatorUtilities.CreateInstance<ReconcilePendingChargesJob>(_factory.Services);

    private async Task<Guid> DebitAsync(TestUser user) =>
        (await Ledger.DebitAsync(new DebitRequest(user.Id, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N")))).ChargeId;

    [Fact]
    public void Options_PendingChargeTimeout_BoundFromConfiguration() =>
        Assert.Equal(TimeSpan.FromMinutes(5), _factory.Services.GetRequiredService<IOptions<BillingOptions>>().Value.PendingChargeTimeout);

    [Fact]
    public async Task RunAsync_TwoOverlappingRuns_StalePendingRefundedExactlyOnceOthersUntouched()
    {
        var user = await _factory.CreateUserAsync(100);
        var stale1 = await DebitAsync(user);
        var stale2 = await DebitAsync(user);
        var succeeded = await DebitAsync(user);
        Assert.True(await Ledger.SettleAsync(succeeded));
        _factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var young = await DebitAsync(user);
        _factory.Clock.Advance(TimeSpan.FromMinutes(4));

        var runs = await Task.WhenAll(Task.Run(() => NewJob().RunAsync(CancellationToken.None)), Task.Run(() => NewJob().RunAsync(CancellationToken.None)));

        Assert.Equal(2, runs.Sum());
        var charges = (await _factory.ChargesOfAsync(user.Id)).ToDictionary(c => c.Id);
        Assert.Equal(ChargeStatus.Refunded, charges[stale1].Status);
        Assert.Equal(ChargeStatus.Refunded, charges[stale2].Status);
        Assert.Equal(ChargeStatus.Succeeded, charges[succeeded].Status);
        Assert.Equal(ChargeStatus.Pending, charges[young].Status);
        var refunds = (await _factory.LedgerOfAsync(user.Id)).Where(e => e.Kind == LedgerEntryKind.Refund).ToList();
        Assert.Equal(2, refunds.Count);
        Assert.Equal(new[] { charges[stale1].DebitEntryId, charges[stale2].DebitEntryId }.Order(), refunds.Select(r => r.RefundOfEntryId!.Value).Order());
        Assert.Equal((80L, 80L, 7), await _factory.MoneyOfAsync(user.Id)); // funding, 4 debits, 2 refunds
        await _factory.AssertLedgerInvariantsAsync();

        // Running again refunds nothing more; once the young charge ages past the timeout it is refunded, once.
        Assert.Equal(0, await NewJob().RunAsync(CancellationToken.None));
        _factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var later = await Task.WhenAll(Task.Run(() => NewJob().RunAsync(CancellationToken.None)), Task.Run(() => NewJob().RunAsync(CancellationToken.None)));
        Assert.Equal(1, later.Sum());
        Assert.Equal(ChargeStatus.Refunded, (await _factory.ChargesOfAsync(user.Id)).Single(c => c.Id == young).Status);
        Assert.Equal((90L, 90L, 8), await _factory.MoneyOfAsync(user.Id));
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task RunAsync_ManyStaleChargesEightOverlappingRuns_EachRefundedOnce()
    {
        var users = new List<TestUser>();
        for (var i = 0; i < 3; i++) users.Add(await _factory.CreateUserAsync(200));
        var ids = new List<Guid>();
        foreach (var u in users)
            for (var i = 0; i < 8; i++) ids.Add(await DebitAsync(u));
        _factory.Clock.Advance(TimeSpan.FromMinutes(6));

        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => NewJob().RunAsync(CancellationToken.None))));

        Assert.Equal(ids.Count, runs.Sum());
        foreach (var u in users)
        {
            Assert.All(await _factory.ChargesOfAsync(u.Id), c => Assert.Equal(ChargeStatus.Refunded, c.Status));
            Assert.Equal(8, (await _factory.LedgerOfAsync(u.Id)).Count(e => e.Kind == LedgerEntryKind.Refund));
            Assert.Equal((200L, 200L, 17), await _factory.MoneyOfAsync(u.Id));
        }
        await _factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task RunAsync_ChargeRefundedInRequestMeanwhile_NotRefundedAgain()
    {
        var user = await _factory.CreateUserAsync(100);
        var charge = await DebitAsync(user);
        _factory.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.True((await Ledger.RefundAsync(charge, "in-request refund")).Refunded);

        Assert.Equal(0, await NewJob().RunAsync(CancellationToken.None));

        Assert.Equal("in-request refund", Assert.Single(await _factory.ChargesOfAsync(user.Id)).FailureReason);
        Assert.Equal((100L, 100L, 3), await _factory.MoneyOfAsync(user.Id));
    }
}
