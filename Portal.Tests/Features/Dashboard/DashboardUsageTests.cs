using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Dashboard;

public sealed class DashboardUsageTests : PortalComponentTest
{
    // An admin test reads site-wide usage, which a neighbour test sharing the app would have added to.
    protected override bool ShareApp => false;

    [Fact]
    public async Task Home_WithCalls_ShowsTodaysFiguresAndCharts()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 500);
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        for (var i = 0; i < 3; i++)
            Assert.True((await ledger.DebitAsync(new DebitRequest(User.Id, BillableProducts.ShortLinkCreate, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
        var failed = await ledger.DebitAsync(new DebitRequest(User.Id, BillableProducts.QrCodeGenerate, "req-" + Guid.NewGuid().ToString("N")));
        Assert.True((await ledger.RefundAsync(failed.ChargeId, "upstream failed", userId: User.Id)).Refunded);

        var cut = RenderPage<Home>();

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=usage-mine] [data-testid=usage-today-calls]").TextContent));
        Assert.Equal("1", cut.Find("[data-testid=usage-today-refunded]").TextContent);
        Assert.Equal("¥0.30", cut.Find("[data-testid=usage-today-spend]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=usage-calls-chart] svg"));
        Assert.Single(cut.FindAll("[data-testid=usage-spend-chart] svg"));
        var products = cut.Find("[data-testid=usage-products]").TextContent;
        Assert.Contains("Create short link", products);
        Assert.Contains("Generate mini-program code", products);
        Assert.Empty(cut.FindAll("[data-testid=usage-site]")); // not an admin
    }

    [Fact]
    public async Task Home_Admin_AlsoSeesSiteWideUsage()
    {
        UseCulture("en");
        var someone = await Factory.CreateUserAsync(balanceFen: 100);
        Assert.True((await Factory.Services.GetRequiredService<BillingLedger>()
            .DebitAsync(new DebitRequest(someone.Id, BillableProducts.ShortLinkCreate, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
        await SignInAsync(role: Roles.Admin);

        var cut = RenderPage<Home>();

        // The two panels load on their own: wait for both.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("1", cut.Find("[data-testid=usage-site] [data-testid=usage-today-calls]").TextContent);
            Assert.Equal("0", cut.Find("[data-testid=usage-mine] [data-testid=usage-today-calls]").TextContent);
            Assert.NotEmpty(cut.FindAll("[data-testid=usage-mine] [data-testid=usage-empty]"));
        });
    }
}
