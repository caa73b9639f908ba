using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

/// <summary>
/// The admin pages that create money or change what every call costs: limits shown and never silently clamped, large
/// batches and every price change confirmed (old → new), and each change in the audit log with its own page.
/// </summary>
public sealed class AdminSafetyPagesTests : PortalComponentTest
{
    // Its tests assert site-wide state (balance watchers, prices), which a neighbour test would have changed.
    protected override bool ShareApp => false;

    [Fact]
    public async Task Codes_CountOverTheLimit_IsKeptAndRefusedNotClampedToTheLimit()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var cut = RenderPage<RedemptionCodesPage>();

        Assert.Contains($"1 to {RedemptionCodeService.MaxBatchCount}", cut.Markup); // the limit is shown up front
        await InputAsync(cut, "input[data-testid=batch-amount]", "5.00");
        await InputAsync(cut, "input[data-testid=batch-count]", "100000");

        cut.WaitForAssertion(() => Assert.Contains($"Between 1 and {RedemptionCodeService.MaxBatchCount}", cut.Markup));
        Assert.Equal("100000", cut.Find("input[data-testid=batch-count]").GetAttribute("value"));
        Assert.True(cut.Find("[data-testid=batch-create]").HasAttribute("disabled"));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.RedemptionCodeBatches.AnyAsync(b => b.CreatedByUserId == User.Id));
    }

    [Fact]
    public async Task Codes_LargeBatch_AsksWithTheTotalThenCreatesAndAudits()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var cut = RenderPage<RedemptionCodesPage>();
        await InputAsync(cut, "input[data-testid=batch-amount]", "10.00");
        await InputAsync(cut, "input[data-testid=batch-count]", "100");
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=batch-create]").HasAttribute("disabled")));

        // First answer "Cancel": nothing is created.
        await cut.InvokeAsync(() => cut.Find("[data-testid=batch-create]").Click());
        Host.WaitForAssertion(() => Assert.Contains("100 codes worth ¥10.00 each: ¥1000.00 of balance in all", Host.Markup));
        await ClickAsync(Host, "Cancel", ".mud-dialog");
        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll(".mud-dialog")));
        await using (var db = await Factory.DbAsync())
            Assert.False(await db.RedemptionCodeBatches.AnyAsync(b => b.CreatedByUserId == User.Id));

        await cut.InvokeAsync(() => cut.Find("[data-testid=batch-create]").Click());
        Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll(".mud-dialog")));
        await ClickAsync(Host, "Create codes", ".mud-dialog");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=batch-result]")));
        await using (var db = await Factory.DbAsync())
        {
            var batch = await db.RedemptionCodeBatches.SingleAsync(b => b.CreatedByUserId == User.Id);
            Assert.Equal(100, await db.RedemptionCodes.CountAsync(c => c.BatchId == batch.Id));
            var (audit, _) = await Factory.Services.GetRequiredService<AdminAuditLog>().ListAsync(AdminActions.CodesCreate, batch.Id.ToString(), 0, 10);
            Assert.Equal((User.Email, "100 × 10.00", "total 1000.00"), (Assert.Single(audit).Actor, audit[0].After, audit[0].Detail));
        }
    }

    [Fact]
    public async Task Codes_SmallBatch_NeedsNoConfirmation()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var cut = RenderPage<RedemptionCodesPage>();
        await InputAsync(cut, "input[data-testid=batch-amount]", "1.00");
        await InputAsync(cut, "input[data-testid=batch-count]", "3");
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=batch-create]").HasAttribute("disabled")));

        await cut.InvokeAsync(() => cut.Find("[data-testid=batch-create]").Click());

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=batch-result]")));
        Assert.Empty(Host.FindAll(".mud-dialog"));
    }

    [Fact]
    public async Task Prices_OverTheCeiling_IsRefusedAndNothingChanges()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var product = BillableProducts.ShortLinkCreate;
        var before = await Factory.Services.GetRequiredService<BillingLedger>().GetPriceFenAsync(product);
        var cut = RenderPage<PricesPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"input[data-testid='price-{product}']")));

        await InputAsync(cut, $"input[data-testid='price-{product}']", "100000");

        cut.WaitForAssertion(() => Assert.Contains("A price from 0 to 100.00 with at most two decimals", cut.Markup));
        Assert.True(cut.Find($"[data-testid='save-{product}']").HasAttribute("disabled"));
        Assert.Equal(before, await Factory.Services.GetRequiredService<BillingLedger>().GetPriceFenAsync(product));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Factory.Services.GetRequiredService<BillingLedger>().SetPriceAsync(product, BillableProducts.MaxPriceFen + 1));
    }

    [Fact]
    public async Task Prices_Change_ShowsOldAndNewAndIsAudited_CancelKeepsThePrice()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        var product = BillableProducts.MiniProgramLinkDecode;
        var cut = RenderPage<PricesPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"input[data-testid='price-{product}']")));
        try
        {
            await InputAsync(cut, $"input[data-testid='price-{product}']", "2.00");
            cut.WaitForAssertion(() => Assert.False(cut.Find($"[data-testid='save-{product}']").HasAttribute("disabled")));

            await cut.InvokeAsync(() => cut.Find($"[data-testid='save-{product}']").Click());
            Host.WaitForAssertion(() => Assert.Contains("from ¥0.10 to ¥2.00", Host.Markup));
            Assert.Contains("more than ten times the current price", Host.Markup);
            await ClickAsync(Host, "Cancel", ".mud-dialog");
            Host.WaitForAssertion(() => Assert.Empty(Host.FindAll(".mud-dialog")));
            Assert.Equal(10, await ledger.GetPriceFenAsync(product));

            await cut.InvokeAsync(() => cut.Find($"[data-testid='save-{product}']").Click());
            Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll(".mud-dialog")));
            await ClickAsync(Host, "Change price", ".mud-dialog");

            // The price and its audit entry commit together: once the new price is read, the entry is there.
            var auditLog = Factory.Services.GetRequiredService<AdminAuditLog>();
            await WaitUntilAsync(async () => await ledger.GetPriceFenAsync(product) == 200, "the new price");
            var (audit, total) = await auditLog.ListAsync(AdminActions.PriceSet, product, 0, 10);
            Assert.Equal(1, total);
            Assert.Equal((User.Email, "0.10", "2.00"), (audit[0].Actor, audit[0].Before, audit[0].After));
        }
        finally
        {
            await ledger.SetPriceAsync(product, BillableProducts.DefaultPriceFen);
        }
    }

    [Fact]
    public async Task AuditLog_ListsNewestFirstAndFiltersByAction()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var audit = Factory.Services.GetRequiredService<AdminAuditLog>();
        var marker = Guid.NewGuid().ToString("N");
        await audit.RecordAsync(User.Id, AdminActions.UserSuspend, $"first-{marker}@example.com");
        await audit.RecordAsync("cli:ops", AdminActions.PriceSet, BillableProducts.ShortLinkCreate, "0.10", "0.20", marker);

        var cut = RenderPage<AuditLogPage>();
        await InputAsync(cut, "input[aria-label='Search target, admin or detail']", marker);

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=audit-table] tbody tr");
            Assert.Equal(2, rows.Count);
            Assert.Contains("Price changed", rows[0].TextContent);
            Assert.Contains("cli:ops", rows[0].TextContent);
            Assert.Contains("0.10 → 0.20", rows[0].TextContent);
            Assert.Contains("User suspended", rows[1].TextContent);
            Assert.Contains(User.Email, rows[1].TextContent);
        });
    }
}
