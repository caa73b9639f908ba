using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

/// <summary>
/// Voiding a redemption-code batch: only unclaimed codes become unusable, claimed ones and the balances they credited
/// stay exactly as they were, a voided code redeemed answers a clear error with the balance unchanged, and the page
/// confirms with the count and value and audits the action.
/// </summary>
public sealed class RedemptionBatchVoidTests : PortalComponentTest
{
    // The codes page lists every batch of the site, and a neighbour test's batch would sit beside this one's.
    protected override bool ShareApp => false;

    [Fact]
    public async Task Void_OnlyUnclaimedCodes_ClaimedKept_VoidedRedeemRefusedBalanceUnchanged()
    {
        var admin = await Factory.CreateUserAsync(role: Roles.Admin);
        var holder = await Factory.CreateUserAsync(balanceFen: 7);
        var codes = Factory.Services.GetRequiredService<RedemptionCodeService>();
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        var (batch, issued) = await codes.CreateBatchAsync(admin.Id, 1_000, 4, null);
        var (other, otherIssued) = await codes.CreateBatchAsync(admin.Id, 500, 1, null);
        Assert.Equal(BalanceChangeError.None, (await ledger.RedeemAsync(holder.Id, issued[0].Code)).Error);
        Assert.Equal(BalanceChangeError.None, (await ledger.RedeemAsync(holder.Id, issued[1].Code)).Error);

        Assert.Equal((2, 2_000L), await codes.UnclaimedAsync(batch.Id));
        var outcome = await codes.VoidBatchAsync(batch.Id, admin.Id);

        Assert.Equal(new VoidBatchOutcome(true, 2, 2_000), outcome);
        var refused = await ledger.RedeemAsync(holder.Id, issued[2].Code);
        Assert.Equal(BalanceChangeError.CodeVoided, refused.Error);
        Assert.Equal(2_007, refused.BalanceFen);
        Assert.Equal((2_007, 2_007, 3), await Factory.MoneyOfAsync(holder.Id));
        Assert.Equal(BalanceChangeError.CodeAlreadyRedeemed, (await ledger.RedeemAsync(holder.Id, issued[0].Code)).Error);
        // Another batch is untouched.
        Assert.Equal(BalanceChangeError.None, (await ledger.RedeemAsync(holder.Id, otherIssued[0].Code)).Error);
        Assert.Equal((2_507, 2_507, 4), await Factory.MoneyOfAsync(holder.Id));
        var listed = (await codes.ListBatchesAsync(0, 10)).Items.Single(b => b.Id == batch.Id);
        Assert.Equal((2, 2, 0), (listed.RedeemedCount, listed.VoidedCount, listed.UnclaimedCount));
        Assert.NotNull(listed.VoidedAt);
        Assert.Equal(new VoidBatchOutcome(true, 0, 0), await codes.VoidBatchAsync(batch.Id, admin.Id)); // again: nothing left
        Assert.False((await codes.VoidBatchAsync(Guid.NewGuid(), admin.Id)).Found);
        await Factory.AssertLedgerInvariantsAsync();
        _ = other;
    }

    [Fact]
    public async Task TopUpPage_VoidedCode_SaysSoInChinese_BalanceUnchanged()
    {
        UseCulture("zh-CN");
        await SignInAsync(balanceFen: 30);
        var codes = Factory.Services.GetRequiredService<RedemptionCodeService>();
        var (batch, issued) = await codes.CreateBatchAsync("test-admin", 500, 1, null);
        await codes.VoidBatchAsync(batch.Id, "test-admin");
        var cut = RenderPage<TopUpPage>();

        await InputAsync(cut, "input[data-testid=redeem-code]", issued[0].Code);
        cut.WaitForAssertion(() => Assert.False(Button(cut, "兑换").HasAttribute("disabled")));
        await ClickAsync(cut, "兑换");

        cut.WaitForAssertion(() => Assert.Contains("该兑换码已被运营方作废，无法再兑换。", cut.Find("[data-testid=topup-result]").TextContent));
        Assert.Equal((30, 30, 1), await Factory.MoneyOfAsync(User.Id));
    }

    [Fact]
    public async Task Page_Void_ConfirmsWithCountAndValue_ThenVoidsAndAudits()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var codes = Factory.Services.GetRequiredService<RedemptionCodeService>();
        var (batch, issued) = await codes.CreateBatchAsync(User.Id, 250, 3, null);
        var holder = await Factory.CreateUserAsync();
        await Factory.Services.GetRequiredService<BillingLedger>().RedeemAsync(holder.Id, issued[0].Code);
        var cut = RenderPage<RedemptionCodesPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=batch-void]")));
        Assert.Equal("2", cut.Find("[data-testid=batch-unclaimed]").TextContent.Trim());

        // "Cancel" first: nothing changes.
        await cut.InvokeAsync(() => cut.Find("[data-testid=batch-void]").Click());
        Host.WaitForAssertion(() => Assert.Contains("2 unclaimed codes worth ¥2.50 each (¥5.00 in all) will stop working at once", Host.Markup));
        Assert.Contains("mud-button-filled-error", Host.Find("[data-testid=confirm-yes]").ClassName);
        await ClickAsync(Host, "Cancel", ".mud-dialog");
        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll(".mud-dialog")));
        Assert.Equal((2, 500L), await codes.UnclaimedAsync(batch.Id));

        await cut.InvokeAsync(() => cut.Find("[data-testid=batch-void]").Click());
        Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll("[data-testid=confirm-yes]")));
        await cut.InvokeAsync(() => Host.Find("[data-testid=confirm-yes]").Click());

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=batch-voided]")));
        Assert.Empty(cut.FindAll("[data-testid=batch-void]"));
        Assert.Equal((0, 0L), await codes.UnclaimedAsync(batch.Id));
        await using var db = await Factory.DbAsync();
        Assert.Equal(1, await db.RedemptionCodes.CountAsync(c => c.BatchId == batch.Id && c.Status == RedemptionCodeStatus.Redeemed));
        var (audit, _) = await Factory.Services.GetRequiredService<AdminAuditLog>().ListAsync(AdminActions.CodesVoid, batch.Id.ToString(), 0, 10);
        Assert.Equal((User.Email, "2 × 2.50", "5.00 in all; redeemed codes untouched"), (Assert.Single(audit).Actor, audit[0].After, audit[0].Detail));
    }
}
