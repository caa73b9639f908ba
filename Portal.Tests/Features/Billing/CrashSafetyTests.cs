using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// The crash policy of docs/money.md: a "crash" at each named fault point, then a restart (a new app over the same database) with the
/// clock past the pending timeout, then two reconciler runs at once. Policy (README): every charge that was not marked
/// Succeeded before the crash is refunded exactly once — including case (c), where the work had succeeded.
/// </summary>
[Trait("Category", "Money")]
public sealed class CrashSafetyTests
{
    private const long Funding = 100;

    [Theory]
    [InlineData(FaultPoints.AfterDebit, false)]
    [InlineData(FaultPoints.OnWorkFailure, true)]
    [InlineData(FaultPoints.AfterWorkSuccess, false)]
    [InlineData(FaultPoints.InsideRefund, true)]
    public async Task CrashAtPoint_RestartAndTwoConcurrentReconcilers_RefundExactlyOnce(string point, bool workFails)
    {
        var dbPath = PortalFactory.NewDatabaseName();
        var faults = new ArmedFaults().Arm(point);
        string userId;
        using (var crashing = new PortalFactory(dbPath, deleteOnDispose: false) { TestServices = { s => s.AddSingleton<IFaultInjector>(faults) } })
        {
            userId = (await crashing.CreateUserAsync(Funding)).Id;
            await using var scope = crashing.Scope();
            var flow = scope.ServiceProvider.GetRequiredService<ChargeFlow>();
            await Assert.ThrowsAsync<InjectedFaultException>(() => flow.RunAsync(
                new DebitRequest(userId, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N")),
                _ => Task.FromResult(workFails ? WorkResult<int>.Fail(WorkFailureKind.Upstream, "upstream 500") : WorkResult<int>.Ok(1)),
                CancellationToken.None));
            Assert.Equal([point], faults.Fired);
            Assert.Equal(Funding - 10, (await crashing.MoneyOfAsync(userId)).Balance);
        }

        using var restarted = RestartedPastTimeout(dbPath);
        var refunds = await Task.WhenAll(RunReconciler(restarted), RunReconciler(restarted));

        Assert.Equal(1, refunds.Sum());
        await AssertSettledAsync(restarted, userId, expectedBalance: Funding, expectedRefunds: 1);
        Assert.Equal(0, await RunReconciler(restarted));
    }

    [Fact]
    public async Task ReconcilerDiesAfterFirstRefund_NextRunsFinishTheRest_EachChargeRefundedOnce()
    {
        var dbPath = PortalFactory.NewDatabaseName();
        string userId;
        using (var crashing = new PortalFactory(dbPath, deleteOnDispose: false) { TestServices = { s => s.AddSingleton<IFaultInjector>(new ArmedFaults().Arm(FaultPoints.AfterDebit, 3)) } })
        {
            userId = (await crashing.CreateUserAsync(Funding)).Id;
            for (var i = 0; i < 3; i++)
            {
                await using var scope = crashing.Scope();
                await Assert.ThrowsAsync<InjectedFaultException>(() => scope.ServiceProvider.GetRequiredService<ChargeFlow>().RunAsync(
                    new DebitRequest(userId, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N")),
                    _ => Task.FromResult(WorkResult<int>.Ok(1)), CancellationToken.None));
            }
        }

        var reconcilerFaults = new ArmedFaults().Arm(FaultPoints.InsideReconciler);
        using (var dying = RestartedPastTimeout(dbPath, reconcilerFaults, deleteOnDispose: false))
        {
            await Assert.ThrowsAsync<InjectedFaultException>(() => RunReconciler(dying));
        }

        using var restarted = RestartedPastTimeout(dbPath);
        var refunds = await Task.WhenAll(RunReconciler(restarted), RunReconciler(restarted));

        Assert.Equal(2, refunds.Sum());
        await AssertSettledAsync(restarted, userId, expectedBalance: Funding, expectedRefunds: 3);
    }

    private static PortalFactory RestartedPastTimeout(string dbPath, IFaultInjector? faults = null, bool deleteOnDispose = true)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        return new PortalFactory(dbPath, deleteOnDispose)
        {
            TestServices =
            {
                s =>
                {
                    s.AddSingleton<TimeProvider>(clock);
                    if (faults is not null) s.AddSingleton(faults);
                },
            },
        };
    }

    private static async Task<int> RunReconciler(PortalFactory factory)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<ReconcilePendingChargesJob>().RunAsync(CancellationToken.None);
    }

    private static async Task AssertSettledAsync(PortalFactory factory, string userId, long expectedBalance, int expectedRefunds)
    {
        await using var db = await factory.DbAsync();
        Assert.Equal(0, await db.Charges.CountAsync(c => c.Status == ChargeStatus.Pending));
        Assert.Equal(expectedRefunds, await db.Charges.CountAsync(c => c.UserId == userId && c.Status == ChargeStatus.Refunded));
        Assert.Equal(expectedRefunds, await db.LedgerEntries.CountAsync(e => e.UserId == userId && e.Kind == LedgerEntryKind.Refund));
        var money = await factory.MoneyOfAsync(userId);
        Assert.Equal(expectedBalance, money.Balance);
        Assert.Equal(money.Balance, money.LedgerSum);
        await factory.AssertLedgerInvariantsAsync();
    }
}
