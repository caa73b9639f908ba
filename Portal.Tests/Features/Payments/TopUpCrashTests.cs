using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Payments;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Payments;

/// <summary>
/// The process dies while a notification is being handled (an armed fault point stands for kill -9: nothing after it
/// runs, the host is thrown away), then a new instance starts over the same database, WeChat Pay sends the notification
/// again and the reconciling job runs: exactly one credit, whichever side of the commit the process died on.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class TopUpCrashTests : IDisposable
{
    private readonly WeChatPayKeysForTests _keys = new();
    private readonly string _database = PortalFactory.NewDatabaseName();

    public void Dispose() => _keys.Dispose();

    [Theory]
    [InlineData(FaultPoints.InsideTopUpCredit)]
    [InlineData(FaultPoints.AfterTopUpCredit)]
    public async Task KilledBetweenNotificationAndReply_AfterRestartResendAndJob_CreditsExactlyOnce(string point)
    {
        TestUser user;
        TopUpOrder order;
        string body;
        var faults = new ArmedFaults().Arm(point);
        using (var dying = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: false)))
        {
            dying.Factory.TestServices.Add(s => s.AddSingleton<IFaultInjector>(faults));
            user = await dying.Factory.CreateUserAsync();
            order = await dying.CreateOrderAsync(user, 4_200);
            body = _keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 4_200));
            try
            {
                var response = await dying.NotifyAsync(body);
                Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode); // WeChat Pay saw no success: it will resend
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                // The test server surfaces the "death" as an exception: no answer reached WeChat Pay either.
            }
            Assert.Equal([point], faults.Fired);
        }

        using var restarted = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: true));
        Assert.Equal(HttpStatusCode.NoContent, (await restarted.NotifyAsync(body)).StatusCode);
        restarted.Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        restarted.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 4_200));
        await restarted.TopUps.ReconcileAsync(TimeSpan.Zero, 10);
        Assert.Equal(HttpStatusCode.NoContent, (await restarted.NotifyAsync(body)).StatusCode);

        var money = await restarted.Factory.MoneyOfAsync(user.Id);
        Assert.Equal((4_200L, 1), (money.Balance, money.Entries));
        await using var db = await restarted.Factory.DbAsync();
        Assert.Equal(TopUpOrderStatus.Paid, (await db.TopUpOrders.SingleAsync()).Status);
        await restarted.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabase_EachGettingCopiesOfTheNotificationAndRunningTheJob_CreditOnce()
    {
        // Disposed in reverse order: the second instance stops first, then the first drops the database.
        using var first = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: true));
        using var second = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: false));
        var user = await first.Factory.CreateUserAsync();
        var order = await first.CreateOrderAsync(user, 6_600);
        var transaction = WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 6_600);
        first.QueryAnswers(order.OutTradeNo, transaction);
        second.QueryAnswers(order.OutTradeNo, transaction);
        var body = _keys.Notification(transaction);

        var work = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            work.Add(first.NotifyAsync(body));
            work.Add(second.NotifyAsync(body));
            work.Add(first.TopUps.ReconcileAsync(TimeSpan.Zero, 10));
            work.Add(second.TopUps.ReconcileAsync(TimeSpan.Zero, 10));
        }
        await Task.WhenAll(work);

        var money = await second.Factory.MoneyOfAsync(user.Id);
        Assert.Equal((6_600L, 1), (money.Balance, money.Entries));
        await second.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task KilledBeforeCommit_AndNotificationNeverResent_TheJobCreditsOnce()
    {
        TestUser user;
        TopUpOrder order;
        var faults = new ArmedFaults().Arm(FaultPoints.InsideTopUpCredit);
        using (var dying = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: false)))
        {
            dying.Factory.TestServices.Add(s => s.AddSingleton<IFaultInjector>(faults));
            user = await dying.Factory.CreateUserAsync();
            order = await dying.CreateOrderAsync(user, 900);
            try { await dying.NotifyAsync(_keys.Notification(WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 900))); }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException) { }
            Assert.Equal(0, (await dying.Factory.MoneyOfAsync(user.Id)).Balance);
        }

        using var restarted = new WeChatPayHarness(_keys, new FakeClockPortalFactory(_database, deleteOnDispose: true));
        restarted.Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        restarted.QueryAnswers(order.OutTradeNo, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 900));
        await Task.WhenAll(restarted.TopUps.ReconcileAsync(TimeSpan.FromMinutes(1), 10), restarted.TopUps.ReconcileAsync(TimeSpan.FromMinutes(1), 10));

        var money = await restarted.Factory.MoneyOfAsync(user.Id);
        Assert.Equal((900L, 1), (money.Balance, money.Entries));
    }
}
