using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Dashboard;

public sealed class DashboardTests : PortalComponentTest
{
    [Fact]
    public void Home_Anonymous_ShowsIntroWithSignInAndRegister()
    {
        UseCulture("en");
        Ctx.AddAuthorization();
        var cut = RenderPage<Home>();

        Assert.Single(cut.FindAll("a[href='Account/Login']"));
        Assert.Single(cut.FindAll("a[href='Account/Register']"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-balance]"));
    }

    [Fact]
    public async Task Home_SignedIn_ShowsBalanceAndRecentEntries()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 1930);
        var cut = RenderPage<Home>();

        cut.WaitForAssertion(() => Assert.Equal("¥19.30", cut.Find("[data-testid=dashboard-balance]").TextContent));
        Assert.Contains("Admin adjustment", cut.Markup);
        Assert.Contains("+19.30", cut.Markup);
        Assert.Contains("No billable calls yet", cut.Markup);
    }

    [Theory]
    [InlineData(Roles.Admin, false, true)]
    [InlineData(Roles.Admin, true, false)]
    [InlineData(null, false, false)]
    public async Task Home_AdminWithoutAuthenticator_IsToldHowToOpenAdminPages(string? role, bool twoFactor, bool expectNotice)
    {
        UseCulture("en");
        await SignInAsync(role: role, adminTwoFactor: twoFactor);
        var cut = RenderPage<Home>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=dashboard-balance]")));
        var notice = cut.FindAll("[data-testid=admin-2fa-notice]");
        Assert.Equal(expectNotice, notice.Count == 1);
        if (expectNotice)
        {
            Assert.Contains("Admin pages open after you enrol an authenticator app", notice[0].TextContent);
            Assert.Equal("Account/Manage/EnableAuthenticator", cut.Find("[data-testid=admin-2fa-enrol]").GetAttribute("href"));
        }
    }

    [Fact]
    public async Task Ledger_MoreEntriesThanAPage_ShowsFirstPageAndTotal()
    {
        UseCulture("en");
        await SignInAsync();
        var ledger = Factory.Services.GetRequiredService<BillingLedger>();
        for (var i = 1; i <= 25; i++) Assert.True((await ledger.AdjustAsync("test-admin", User.Id, i, $"credit {i}")).Succeeded);
        var cut = RenderPage<LedgerPage>();

        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=ledger-grid] tbody tr.mud-table-row").Count));
        Assert.Contains("1-20 of 25", cut.Markup);
        var cells = cut.FindAll("[data-testid=ledger-grid] tbody tr.mud-table-row td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains("credit 25", cells); // newest first
        Assert.Contains("credit 6", cells);
        Assert.DoesNotContain("credit 5", cells);
    }
}
