using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.TestMode;

/// <summary>
/// The test-mode balance: its own balance column and its own ledger rows, written by the same ledger writer statements
/// as live money, never moving live money (docs/money.md, docs/api.md "Test mode").
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class TestModeLedgerTests(FakeClockPortalFactory factory) : IClassFixture<FakeClockPortalFactory>
{
    private BillingLedger Ledger => factory.Services.GetRequiredService<BillingLedger>();

    private static DebitRequest Request(TestUser user, bool test, string product = BillableProducts.ShortLinkCreate) =>
        new(user.Id, product, "req-" + Guid.NewGuid().ToString("N"), Test: test);

    [Fact]
    public async Task AddTestCredit_CreditsOnlyTheTestBalance_WithATestCreditEntry()
    {
        var user = await factory.CreateUserAsync(500);

        var outcome = await Ledger.AddTestCreditAsync(user.Id, 1_000);

        Assert.True(outcome.Succeeded);
        Assert.Equal(1_000, outcome.BalanceFen);
        Assert.Equal((500L, 500L, 1), await factory.MoneyOfAsync(user.Id));
        Assert.Equal((1_000L, 1_000L, 1), await factory.TestMoneyOfAsync(user.Id));
        var entry = Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.IsTest);
        Assert.Equal(LedgerEntryKind.TestCredit, entry.Kind);
        Assert.Equal(500, await Ledger.GetBalanceFenAsync(user.Id));
        Assert.Equal(1_000, await Ledger.GetBalanceFenAsync(user.Id, test: true));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task AddTestCredit_BeyondTheCeiling_WritesNothing()
    {
        var user = await factory.CreateUserAsync();
        Assert.True((await Ledger.AddTestCreditAsync(user.Id, BillingLedger.MaxTestBalanceFen)).Succeeded);

        var outcome = await Ledger.AddTestCreditAsync(user.Id, 1);

        Assert.Equal(BalanceChangeError.InvalidAmount, outcome.Error);
        Assert.Equal(BillingLedger.MaxTestBalanceFen, outcome.BalanceFen);
        Assert.Equal((BillingLedger.MaxTestBalanceFen, BillingLedger.MaxTestBalanceFen, 1), await factory.TestMoneyOfAsync(user.Id));
        Assert.Equal(BalanceChangeError.InvalidAmount, (await Ledger.AddTestCreditAsync(user.Id, 0)).Error);
    }

    [Fact]
    public async Task TestDebit_SpendsTheTestBalance_AndNeverTheLiveOne()
    {
        var user = await factory.CreateUserAsync(100);
        await Ledger.AddTestCreditAsync(user.Id, 50);

        var outcome = await Ledger.DebitAsync(Request(user, test: true));

        Assert.True(outcome.Succeeded);
        Assert.Equal(40, outcome.BalanceFen);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));
        Assert.Equal((40L, 40L, 2), await factory.TestMoneyOfAsync(user.Id));
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.True(charge.IsTest);
        Assert.True(Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Charge).IsTest);
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task TestDebit_WithoutTestBalance_IsRefused_EvenWhenTheLiveBalanceWouldPay()
    {
        var user = await factory.CreateUserAsync(10_000);

        var outcome = await Ledger.DebitAsync(Request(user, test: true));

        Assert.Equal(DebitRefusal.InsufficientFunds, outcome.Refusal);
        Assert.Equal(0, outcome.BalanceFen);
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        Assert.Equal((10_000L, 10_000L, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task LiveDebit_WithoutLiveBalance_IsRefused_EvenWhenTheTestBalanceWouldPay()
    {
        var user = await factory.CreateUserAsync();
        await Ledger.AddTestCreditAsync(user.Id, 10_000);

        var outcome = await Ledger.DebitAsync(Request(user, test: false));

        Assert.Equal(DebitRefusal.InsufficientFunds, outcome.Refusal);
        Assert.Equal(0, outcome.BalanceFen);
        Assert.Equal((10_000L, 10_000L, 1), await factory.TestMoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task TestRefund_GoesBackToTheTestBalance_Once()
    {
        var user = await factory.CreateUserAsync(300);
        await Ledger.AddTestCreditAsync(user.Id, 100);
        var debit = await Ledger.DebitAsync(Request(user, test: true, BillableProducts.QrCodeGenerate));
        Assert.True(debit.Succeeded);

        var first = await Ledger.RefundAsync(debit.ChargeId, "test failure", userId: user.Id);
        var second = await Ledger.RefundAsync(debit.ChargeId, "again", userId: user.Id);

        Assert.True(first.Refunded);
        Assert.True(first.Test);
        Assert.Equal(100, first.BalanceFen);
        Assert.False(second.Refunded);
        Assert.Equal((300L, 300L, 1), await factory.MoneyOfAsync(user.Id));
        Assert.Equal((100L, 100L, 3), await factory.TestMoneyOfAsync(user.Id));
        var refund = Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Refund);
        Assert.True(refund.IsTest);
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Audit_ChecksBothModes_AndReportsTestMoneyApartFromLiveMoney()
    {
        var audit = factory.Services.GetRequiredService<BillingAudit>();
        var before = await audit.RunAsync();
        var user = await factory.CreateUserAsync(200);
        await Ledger.AddTestCreditAsync(user.Id, 1_000);
        var debit = await Ledger.DebitAsync(Request(user, test: true));
        await Ledger.SettleAsync(debit.ChargeId);

        var after = await audit.RunAsync();

        Assert.True(after.Holds(pendingIsViolation: false), after.ToString());
        Assert.Equal(before.LiveLedgerSumFen + 200, after.LiveLedgerSumFen);
        Assert.Equal(before.TestLedgerSumFen + 990, after.TestLedgerSumFen);
    }

    [Fact]
    public async Task ConcurrentLiveAndTestDebits_OnOneAccount_EachModeSpendsExactlyItsOwnBalance()
    {
        var user = await factory.CreateUserAsync(100); // 10 live calls of 10 fen
        await Ledger.AddTestCreditAsync(user.Id, 50); // 5 test calls

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Ledger.DebitAsync(Request(user, test: i % 2 == 0))));

        Assert.Equal(5, outcomes.Where((o, i) => i % 2 == 0).Count(o => o.Succeeded));
        Assert.Equal(10, outcomes.Where((o, i) => i % 2 == 1).Count(o => o.Succeeded));
        Assert.Equal((0L, 0L, 11), await factory.MoneyOfAsync(user.Id));
        Assert.Equal((0L, 0L, 6), await factory.TestMoneyOfAsync(user.Id));
        var charges = await factory.ChargesOfAsync(user.Id);
        Assert.Equal(5, charges.Count(c => c.IsTest));
        Assert.Equal(10, charges.Count(c => !c.IsTest));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public void BalanceFeed_TellsTestWatchersOnlyOfTheTestBalance()
    {
        var feed = new BalanceFeed();
        long? live = null, test = null;
        using var a = feed.Watch("u1", b => live = b);
        using var b = feed.Watch("u1", true, x => test = x);

        feed.Publish("u1", 70, test: true);
        Assert.Null(live);
        Assert.Equal(70, test);
        feed.Publish("u1", 5);
        Assert.Equal(5, live);
        Assert.Equal(70, test);
    }
}
