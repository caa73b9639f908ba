using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages;
using Portal.Features.Billing;
using Portal.Features.Dashboard;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Dashboard;

public sealed class OnboardingTests : PortalComponentTest
{
    [Fact]
    public async Task Dashboard_NewUser_ShowsFourOpenStepsAndTheGenerateCodeQuickLink()
    {
        UseCulture("zh-CN");
        await SignInAsync(balanceFen: 0);

        var cut = RenderPage<Home>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=onboarding]")));
        foreach (var step in new[] { "topup", "token", "app", "call" })
            Assert.Equal("false", cut.Find($"[data-testid=onboarding-{step}]").GetAttribute("data-done"));
        Assert.Contains("已完成 0/4", cut.Find("[data-testid=onboarding]").TextContent);
        var quick = cut.Find("[data-testid=quick-generate-code]");
        Assert.Equal("codes/generate", quick.GetAttribute("href"));
        Assert.Contains("生成小程序码", quick.TextContent);
        // The low-balance alert is set beside the balance (its field appears once the saved threshold has loaded).
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("input[data-testid=low-balance-threshold]")));
    }

    [Fact]
    public async Task Status_EachStep_IsTickedFromRealDataAndTheListHidesWhenAllAreDone()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 0);
        var onboarding = Factory.Services.GetRequiredService<OnboardingQueries>();
        Assert.Equal(new OnboardingStatus(false, false, false, false), await onboarding.GetAsync(User.Id));

        Assert.True((await Factory.Services.GetRequiredService<BillingLedger>().AdjustAsync("test-admin", User.Id, 100, "credit")).Succeeded);
        Assert.Equal(new OnboardingStatus(true, false, false, false), await onboarding.GetAsync(User.Id));

        var token = await Factory.IssueTokenAsync(User);
        Assert.Equal(new OnboardingStatus(true, true, false, false), await onboarding.GetAsync(User.Id));

        await using (var db = await Factory.DbAsync())
        {
            db.MiniProgramApps.Add(new MiniProgramApp
            {
                Id = Guid.NewGuid(), UserId = User.Id, AppId = "wx1234567890abcdef", Name = "Shop", ProtectedSecret = "x", SecretLast4 = "abcd",
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        Assert.Equal(new OnboardingStatus(true, true, true, false), await onboarding.GetAsync(User.Id));

        // A call from the portal's own forms is not the first API call.
        Assert.True((await Factory.Services.GetRequiredService<BillingLedger>()
            .DebitAsync(new DebitRequest(User.Id, BillableProducts.ShortLinkCreate, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
        Assert.False((await onboarding.GetAsync(User.Id)).HasCalledApi);
        var (status, _) = await Factory.ApiClient(token).PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/first" });
        Assert.Equal(200, status);
        Assert.True((await onboarding.GetAsync(User.Id)).Complete);

        var cut = RenderPage<Home>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=dashboard-balance]")));
        Assert.Empty(cut.FindAll("[data-testid=onboarding]"));
    }

    [Theory]
    [InlineData("zh-CN", "如何获取兑换码")]
    [InlineData("en", "How to get a redemption code")]
    public async Task TopUp_ExplainsHowToGetARedemptionCode(string culture, string heading)
    {
        UseCulture(culture);
        await SignInAsync(balanceFen: 0);

        var cut = RenderPage<TopUpPage>();

        var guidance = cut.Find("[data-testid=topup-guidance]").TextContent;
        Assert.Contains(heading, guidance);
        Assert.Contains("PTL-XXXX-XXXX-XXXX", guidance);
    }

    [Fact]
    public async Task LowBalanceForm_ThresholdAboveBalance_SavedAndBannerShownUntilRemoved()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 300);
        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        Ctx.Render<MudBlazor.MudPopoverProvider>();
        var cut = Ctx.Render<LowBalanceAlertForm>(p => p.Add(x => x.BalanceFen, 300L));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[data-testid=low-balance-threshold]")));
        Assert.Empty(cut.FindAll("[data-testid=low-balance-banner]"));

        await InputAsync(cut, "input[data-testid=low-balance-threshold]", "5");
        cut.WaitForAssertion(() => Assert.False(cut.Find("button[data-testid=low-balance-save]").HasAttribute("disabled")));
        await cut.InvokeAsync(() => cut.Find("button[data-testid=low-balance-save]").Click());

        cut.WaitForAssertion(() => Assert.Contains("Your balance is below your alert threshold of ¥5.00", cut.Find("[data-testid=low-balance-banner]").TextContent));
        Assert.Equal(500, await Factory.Services.GetRequiredService<LowBalanceAlerts>().GetThresholdFenAsync(User.Id));

        await cut.InvokeAsync(() => cut.Find("button[data-testid=low-balance-remove]").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=low-balance-banner]")));
        Assert.Null(await Factory.Services.GetRequiredService<LowBalanceAlerts>().GetThresholdFenAsync(User.Id));
    }
}
