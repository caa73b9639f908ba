using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>The pages under the app bar's Test switch: test data only, visibly marked, with free test credit.</summary>
public sealed class TestModePagesTests : PortalComponentTest
{
    [Fact]
    public async Task TokensPage_InTestMode_IssuesAndListsOnlyTestTokens()
    {
        UseCulture("en");
        TestMode = true;
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "live key");
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));
        Assert.NotEmpty(cut.FindAll("[data-testid=test-mode-banner]"));
        Assert.DoesNotContain("live key", cut.Markup);

        await InputAsync(cut, "input[data-testid=token-name]", "sandbox");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Create test token").HasAttribute("disabled")));
        await ClickAsync(cut, "Create test token");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=new-token-alert]")));
        var secret = cut.Find("[data-testid=new-token-alert] input").GetAttribute("value")!;
        Assert.StartsWith(ApiTokenFormat.TestPrefix, secret);
        cut.WaitForAssertion(() => Assert.Equal($"{secret[..15]}…{secret[^4..]}", cut.Find("[data-testid=token-display]").TextContent));
        Assert.Contains("Test", cut.Find("[data-testid=token-table]").TextContent);
    }

    [Fact]
    public async Task TokensPage_Live_ListsNoTestTokens()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTestTokenAsync(User, "sandbox key");
        var cut = RenderPage<ApiTokensPage>();

        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=test-mode-banner]"));
    }

    [Fact]
    public async Task LedgerPage_InTestMode_AddsTestCredit_AndShowsOnlyTestEntries()
    {
        UseCulture("en");
        TestMode = true;
        await SignInAsync(balanceFen: 700);
        var cut = RenderPage<LedgerPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=add-test-credit]")));
        Assert.DoesNotContain("7.00", cut.Find("[data-testid=ledger-grid]").TextContent);

        cut.Find("[data-testid=add-test-credit]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Test credit", cut.Find("[data-testid=ledger-grid]").TextContent));
        Assert.Contains("10.00", cut.Find("[data-testid=ledger-grid]").TextContent);
        Assert.Equal((1_000L, 1_000L, 1), await Factory.TestMoneyOfAsync(User.Id));
        Assert.Equal((700L, 700L, 1), await Factory.MoneyOfAsync(User.Id));
    }

    [Fact]
    public async Task BalanceChip_InTestMode_ShowsTheMarkedTestBalance_AndFollowsIt()
    {
        UseCulture("zh-CN");
        TestMode = true;
        await SignInAsync(balanceFen: 100);
        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var chip = Ctx.Render<BalanceChip>();
        chip.WaitForAssertion(() => Assert.Contains("¥0.00", chip.Find("[data-testid=appbar-balance]").TextContent));
        Assert.Contains("测试", chip.Find("[data-testid=appbar-balance]").TextContent);

        await Factory.Services.GetRequiredService<BillingLedger>().AddTestCreditAsync(User.Id, 1_000);

        chip.WaitForAssertion(() => Assert.Contains("¥10.00", chip.Find("[data-testid=appbar-balance]").TextContent));
    }
}
