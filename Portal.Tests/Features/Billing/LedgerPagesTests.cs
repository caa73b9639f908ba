using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

public sealed class LedgerPagesTests : PortalComponentTest
{
    [Fact]
    public async Task LedgerPage_FilterByKindAndProduct_ListsOnlyThoseRowsAndExportCarriesTheFilter()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 500);
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        await DebitAsync(ledger, BillableProducts.ShortLinkCreate, 2);
        await DebitAsync(ledger, BillableProducts.MiniProgramLinkDecode, 3);
        var cut = RenderPage<LedgerPage>();
        cut.WaitForAssertion(() => Assert.Equal(6, Rows(cut).Count));

        var filter = new LedgerFilter(Kind: LedgerEntryKind.Charge, Product: BillableProducts.MiniProgramLinkDecode);
        await cut.InvokeAsync(() => cut.FindComponent<LedgerFilterBar>().Instance.FilterChanged.InvokeAsync(filter));

        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));
        Assert.All(Rows(cut), r => Assert.Contains("Decode mini-program link", r.TextContent));
        Assert.Equal("ledger/export.csv?kind=Charge&product=mplink.decode", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
        // Every request id has its copy button.
        Assert.Equal(3, cut.FindAll("[data-testid=ledger-grid] tbody [data-testid=copy-button]").Count);
    }

    [Fact]
    public async Task CallsPage_StatusFilter_ListsRefundedCallsWithCopyableRequestIds()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 500);
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        await DebitAsync(ledger, BillableProducts.ShortLinkCreate, 2);
        var failed = await ledger.DebitAsync(new DebitRequest(User.Id, BillableProducts.QrCodeGenerate, "req-refunded-1"));
        Assert.True((await ledger.RefundAsync(failed.ChargeId, "upstream failed", userId: User.Id)).Refunded);
        var cut = RenderPage<CallsPage>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=calls-grid] tbody tr.mud-table-row").Count));

        await cut.InvokeAsync(() => cut.FindComponent<LedgerFilterBar>().Instance.FilterChanged.InvokeAsync(new LedgerFilter(Status: ChargeStatus.Refunded)));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=calls-grid] tbody tr.mud-table-row")));
        var row = cut.Find("[data-testid=calls-grid] tbody tr.mud-table-row");
        Assert.Contains("req-refunded-1", row.TextContent);
        Assert.Contains("upstream failed", row.TextContent);
        Assert.NotNull(row.QuerySelector("[data-testid=copy-button]"));
        Assert.Equal("calls/export.csv?status=Refunded", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows<T>(IRenderedComponent<T> cut) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll("[data-testid=ledger-grid] tbody tr.mud-table-row");

    private async Task DebitAsync(BillingLedger ledger, string product, int times)
    {
        for (var i = 0; i < times; i++)
            Assert.True((await ledger.DebitAsync(new DebitRequest(User.Id, product, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
    }
}
