using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>The ledger and charge rules (docs/money.md, invariants I1–I5) on a real database.</summary>
[Trait("Category", TestCategories.Money)]
public sealed class BillingLedgerTests(FakeClockPortalFactory factory) : IClassFixture<FakeClockPortalFactory>
{
    private BillingLedger Ledger => factory.Services.GetRequiredService<BillingLedger>();

    private static DebitRequest Request(TestUser user, string product = BillableProducts.ShortLinkCreate) =>
        new(user.Id, product, "req-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task DebitAsync_EnoughBalance_WritesOnePendingChargeAndOneEntryWithBalanceAfter()
    {
        var user = await factory.CreateUserAsync(100);
        var request = Request(user);

        var outcome = await Ledger.DebitAsync(request);

        Assert.True(outcome.Succeeded);
        Assert.Equal(10, outcome.PriceFen);
        Assert.Equal(90, outcome.BalanceFen);
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(outcome.ChargeId, charge.Id);
        Assert.Equal(ChargeStatus.Pending, charge.Status);
        Assert.Equal(10, charge.PriceFen);
        Assert.Equal(request.RequestId, charge.RequestId);
        Assert.Equal(BillableProducts.ShortLinkCreate, charge.Product);
        Assert.Null(charge.SettledAt);
        var entries = await factory.LedgerOfAsync(user.Id);
        Assert.Equal(2, entries.Count); // funding + debit
        var debit = Assert.Single(entries, e => e.Kind == LedgerEntryKind.Charge);
        Assert.Equal(-10, debit.AmountFen);
        Assert.Equal(90, debit.BalanceAfterFen);
        Assert.Equal(charge.Id, debit.ChargeId);
        Assert.Equal(charge.DebitEntryId, debit.Id);
        Assert.Equal(request.RequestId, debit.RequestId);
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task DebitAsync_BalanceBelowPrice_WritesNothing()
    {
        var user = await factory.CreateUserAsync(9);

        var outcome = await Ledger.DebitAsync(Request(user));

        Assert.False(outcome.Succeeded);
        Assert.Equal(Guid.Empty, outcome.ChargeId);
        Assert.Equal(9, outcome.BalanceFen);
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        Assert.Equal((9L, 9L, 1), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task DebitAsync_ZeroBalanceNewUser_WritesNothing()
    {
        var user = await factory.CreateUserAsync();

        var outcome = await Ledger.DebitAsync(Request(user));

        Assert.False(outcome.Succeeded);
        Assert.Equal(0, outcome.BalanceFen);
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        Assert.Equal((0L, 0L, 0), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task DebitAsync_ExactlyThePrice_SucceedsToZero()
    {
        var user = await factory.CreateUserAsync(10);

        var outcome = await Ledger.DebitAsync(Request(user));

        Assert.True(outcome.Succeeded);
        Assert.Equal(0, outcome.BalanceFen);
        Assert.Equal((0L, 0L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task DebitAsync_AdminSetPrice_DebitsThatPrice()
    {
        var user = await factory.CreateUserAsync(100);
        await Ledger.SetPriceAsync(BillableProducts.MiniProgramLinkDecode, 25);
        try
        {
            var outcome = await Ledger.DebitAsync(Request(user, BillableProducts.MiniProgramLinkDecode));

            Assert.True(outcome.Succeeded);
            Assert.Equal(25, outcome.PriceFen);
            Assert.Equal(75, outcome.BalanceFen);
            Assert.Equal(25, Assert.Single(await factory.ChargesOfAsync(user.Id)).PriceFen);
        }
        finally
        {
            await Ledger.SetPriceAsync(BillableProducts.MiniProgramLinkDecode, BillableProducts.DefaultPriceFen);
        }
    }

    [Fact]
    public async Task SetPriceAsync_WithActor_WritesThePriceAndItsAuditEntryTogether_WithoutActorNoEntry()
    {
        // Free by default and never priced before in this database: "before" is the product's own default.
        var product = BillableProducts.WeChatUnionId;
        var actor = "actor-" + Guid.NewGuid().ToString("N");
        try
        {
            Assert.Equal(0, await Ledger.SetPriceAsync(product, 30, actor));
            Assert.Equal(30, await Ledger.SetPriceAsync(product, 45));

            Assert.Equal(45, await Ledger.GetPriceFenAsync(product));
            await using var db = await factory.Services.GetRequiredService<IDbContextFactory<Portal.Infrastructure.Persistence.PortalDbContext>>().CreateDbContextAsync();
            var entries = await db.AdminAuditEntries.Where(e => e.Target == product).ToListAsync();
            var entry = Assert.Single(entries);
            Assert.Equal((actor, Portal.Features.Admin.AdminActions.PriceSet, "0.00", "0.30"), (entry.ActorId, entry.Action, entry.Before, entry.After));
        }
        finally
        {
            await Ledger.SetPriceAsync(product, 0);
        }
    }

    [Fact]
    public async Task DebitAsync_SameRequestIdTwice_SecondRefusedAndDebitsOnce()
    {
        var user = await factory.CreateUserAsync(100);
        var request = Request(user);
        Assert.True((await Ledger.DebitAsync(request)).Succeeded);

        var second = await Ledger.DebitAsync(request);

        Assert.Equal(DebitRefusal.DuplicateRequest, second.Refusal);
        Assert.Equal(90, second.BalanceFen);
        Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task DebitAsync_SameRequestIdConcurrently_ExactlyOneDebit()
    {
        var user = await factory.CreateUserAsync(100);
        var request = Request(user);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Ledger.DebitAsync(request))));

        Assert.Equal(1, attempts.Count(o => o.Succeeded));
        Assert.All(attempts.Where(o => !o.Succeeded), o => Assert.Equal(DebitRefusal.DuplicateRequest, o.Refusal));
        Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task SettleAsync_Pending_SucceedsOnceThenFalse()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));

        Assert.True(await Ledger.SettleAsync(debit.ChargeId));
        Assert.False(await Ledger.SettleAsync(debit.ChargeId));

        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Succeeded, charge.Status);
        Assert.Equal(factory.Clock.GetUtcNow(), charge.SettledAt);
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task SettleAsync_Refunded_DoesNothing()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));
        Assert.True((await Ledger.RefundAsync(debit.ChargeId, "failed")).Refunded);

        Assert.False(await Ledger.SettleAsync(debit.ChargeId));

        Assert.Equal(ChargeStatus.Refunded, Assert.Single(await factory.ChargesOfAsync(user.Id)).Status);
        Assert.Equal((100L, 100L, 3), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task RefundAsync_CalledTwice_RefundsOnceWithOneCompensatingEntry()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));

        var first = await Ledger.RefundAsync(debit.ChargeId, "upstream failed");
        var second = await Ledger.RefundAsync(debit.ChargeId, "upstream failed again");

        Assert.True(first.Refunded);
        Assert.Equal(100, first.BalanceFen);
        Assert.False(second.Refunded);
        Assert.Equal(100, second.BalanceFen);
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Refunded, charge.Status);
        Assert.Equal("upstream failed", charge.FailureReason);
        var refund = Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal(10, refund.AmountFen);
        Assert.Equal(100, refund.BalanceAfterFen);
        Assert.Equal(charge.DebitEntryId, refund.RefundOfEntryId);
        Assert.Equal(charge.Id, refund.ChargeId);
        Assert.Equal(charge.RequestId, refund.RequestId);
        Assert.Equal((100L, 100L, 3), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task RefundAsync_Concurrent_RefundsExactlyOnce()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => Ledger.RefundAsync(debit.ChargeId, "concurrent"))));

        Assert.Equal(1, outcomes.Count(o => o.Refunded));
        Assert.All(outcomes, o => Assert.Equal(100, o.BalanceFen));
        Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal((100L, 100L, 3), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task RefundAsync_ConcurrentWithSettle_ExactlyOneTransitionWins()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));

        var settle = Task.Run(() => Ledger.SettleAsync(debit.ChargeId));
        var refund = Task.Run(() => Ledger.RefundAsync(debit.ChargeId, "race"));
        var settled = await settle;
        var refunded = (await refund).Refunded;

        Assert.True(settled ^ refunded, "exactly one of settle and refund must win");
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(settled ? ChargeStatus.Succeeded : ChargeStatus.Refunded, charge.Status);
        var (balance, sum, _) = await factory.MoneyOfAsync(user.Id);
        Assert.Equal(settled ? 90 : 100, balance);
        Assert.Equal(balance, sum);
    }

    [Fact]
    public async Task RefundAsync_SucceededCharge_DoesNothing()
    {
        var user = await factory.CreateUserAsync(100);
        var debit = await Ledger.DebitAsync(Request(user));
        Assert.True(await Ledger.SettleAsync(debit.ChargeId));

        var outcome = await Ledger.RefundAsync(debit.ChargeId, "too late");

        Assert.False(outcome.Refunded);
        Assert.Equal(90, outcome.BalanceFen);
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Succeeded, charge.Status);
        Assert.Null(charge.FailureReason);
        Assert.DoesNotContain(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal((90L, 90L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task RefundAsync_UnknownCharge_DoesNothing()
    {
        var outcome = await Ledger.RefundAsync(Guid.NewGuid(), "nothing");

        Assert.False(outcome.Refunded);
        Assert.Equal(0, outcome.BalanceFen);
    }

    [Fact]
    public async Task AdjustAsync_CreditAndDebit_RecordsAdminReasonAndBalanceAfter()
    {
        var admin = await factory.CreateUserAsync(role: Portal.Features.Accounts.Roles.Admin);
        var user = await factory.CreateUserAsync();

        var credit = await Ledger.AdjustAsync(admin.Id, user.Id, 150, "  goodwill  ");
        var debit = await Ledger.AdjustAsync(admin.Id, user.Id, -50, "correction");

        Assert.True(credit.Succeeded);
        Assert.Equal(150, credit.BalanceFen);
        Assert.True(debit.Succeeded);
        Assert.Equal(-50, debit.AmountFen);
        Assert.Equal(100, debit.BalanceFen);
        var entries = await factory.LedgerOfAsync(user.Id);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal(LedgerEntryKind.AdminAdjust, e.Kind);
            Assert.Equal(admin.Id, e.AdminUserId);
        });
        Assert.Contains(entries, e => e is { AmountFen: 150, BalanceAfterFen: 150, Description: "goodwill" });
        Assert.Contains(entries, e => e is { AmountFen: -50, BalanceAfterFen: 100, Description: "correction" });
        Assert.Equal((100L, 100L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task AdjustAsync_DebitBelowZero_RefusedAndNothingWritten()
    {
        var user = await factory.CreateUserAsync(100);

        var outcome = await Ledger.AdjustAsync("admin", user.Id, -101, "too much");

        Assert.False(outcome.Succeeded);
        Assert.Equal(BalanceChangeError.InsufficientFunds, outcome.Error);
        Assert.Equal(100, outcome.BalanceFen);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));

        var exact = await Ledger.AdjustAsync("admin", user.Id, -100, "all of it");
        Assert.True(exact.Succeeded);
        Assert.Equal((0L, 0L, 2), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task AdjustAsync_ConcurrentDebits_NeverBelowZero()
    {
        var user = await factory.CreateUserAsync(100);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Ledger.AdjustAsync("admin", user.Id, -30, "race"))));

        Assert.Equal(3, outcomes.Count(o => o.Succeeded));
        Assert.Equal(9, outcomes.Count(o => o.Error == BalanceChangeError.InsufficientFunds));
        Assert.Equal((10L, 10L, 4), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(Money.MaxAmountFen + 1)]
    [InlineData(-Money.MaxAmountFen - 1)]
    public async Task AdjustAsync_InvalidAmount_Refused(long amount)
    {
        var user = await factory.CreateUserAsync(100);

        var outcome = await Ledger.AdjustAsync("admin", user.Id, amount, "bad");

        Assert.Equal(BalanceChangeError.InvalidAmount, outcome.Error);
        Assert.Equal((100L, 100L, 1), await factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task AdjustAsync_UnknownUser_Refused()
    {
        var outcome = await Ledger.AdjustAsync("admin", Guid.NewGuid().ToString(), 100, "nobody");

        Assert.Equal(BalanceChangeError.UnknownUser, outcome.Error);
    }

    [Fact]
    public async Task RedeemAsync_ValidCode_CreditsOnceAndMasksCode()
    {
        var user = await factory.CreateUserAsync();
        var code = await CreateCodeAsync(500);

        var first = await Ledger.RedeemAsync(user.Id, "  " + code.ToLowerInvariant() + " ");
        var second = await Ledger.RedeemAsync(user.Id, code);

        Assert.True(first.Succeeded);
        Assert.Equal(500, first.BalanceFen);
        Assert.Equal(BalanceChangeError.CodeAlreadyRedeemed, second.Error);
        Assert.Equal(500, second.BalanceFen);
        var entry = Assert.Single(await factory.LedgerOfAsync(user.Id));
        Assert.Equal(LedgerEntryKind.Redeem, entry.Kind);
        Assert.Equal(500, entry.BalanceAfterFen);
        Assert.Equal("PTL-****-****-" + code[^4..], entry.Description);
        Assert.DoesNotContain(code, entry.Description);
        await using var db = await factory.DbAsync();
        var row = await db.RedemptionCodes.AsNoTracking().SingleAsync(c => c.CodeHash == RedemptionCodes.Hash(code));
        Assert.Equal(RedemptionCodeStatus.Redeemed, row.Status);
        Assert.Equal(user.Id, row.RedeemedByUserId);
        Assert.Equal(row.Id, entry.RedemptionCodeId);
    }

    [Fact]
    public async Task RedeemAsync_TwentyConcurrentRedeemers_ClaimedExactlyOnce()
    {
        var users = new List<TestUser>();
        for (var i = 0; i < 4; i++) users.Add(await factory.CreateUserAsync());
        var code = await CreateCodeAsync(300);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => Ledger.RedeemAsync(users[i % users.Count].Id, code))));

        Assert.Equal(1, outcomes.Count(o => o.Succeeded));
        Assert.Equal(19, outcomes.Count(o => o.Error == BalanceChangeError.CodeAlreadyRedeemed));
        var totals = new List<long>();
        foreach (var u in users)
        {
            var (balance, sum, _) = await factory.MoneyOfAsync(u.Id);
            Assert.Equal(balance, sum);
            totals.Add(balance);
        }
        Assert.Equal(300, totals.Sum());
        await factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task RedeemAsync_ExpiredCode_RejectedAndNothingWritten()
    {
        var user = await factory.CreateUserAsync();
        var code = await CreateCodeAsync(500, factory.Clock.GetUtcNow().AddHours(1));
        factory.Clock.Advance(TimeSpan.FromHours(2));

        var outcome = await Ledger.RedeemAsync(user.Id, code);

        Assert.Equal(BalanceChangeError.CodeExpired, outcome.Error);
        Assert.Equal((0L, 0L, 0), await factory.MoneyOfAsync(user.Id));
        await using var db = await factory.DbAsync();
        Assert.Equal(RedemptionCodeStatus.Available, (await db.RedemptionCodes.AsNoTracking().SingleAsync(c => c.CodeHash == RedemptionCodes.Hash(code))).Status);
    }

    [Fact]
    public async Task RedeemAsync_UnknownCode_Rejected()
    {
        var user = await factory.CreateUserAsync();

        var outcome = await Ledger.RedeemAsync(user.Id, "PTL-AAAA-BBBB-CCCC");

        Assert.Equal(BalanceChangeError.CodeNotFound, outcome.Error);
        Assert.Equal((0L, 0L, 0), await factory.MoneyOfAsync(user.Id));
    }

    private async Task<string> CreateCodeAsync(long amountFen, DateTimeOffset? expiresAt = null)
    {
        var (_, codes) = await factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync("admin", amountFen, 1, expiresAt);
        return Assert.Single(codes).Code;
    }
}
