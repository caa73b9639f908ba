using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

public sealed class TopUpPageTests : PortalComponentTest
{
    [Fact]
    public async Task Redeem_ValidCode_CreditsBalanceAndShowsIt()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 30);
        var code = await CreateCodeAsync(500);
        var cut = RenderPage<TopUpPage>();
        cut.WaitForAssertion(() => Assert.Equal("¥0.30", cut.Find("[data-testid=topup-balance]").TextContent));

        await InputAsync(cut, "input[data-testid=redeem-code]", code.ToLowerInvariant());
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Redeem").HasAttribute("disabled")));
        await ClickAsync(cut, "Redeem");

        cut.WaitForAssertion(() => Assert.Contains("Redeemed ¥5.00. New balance: ¥5.30", cut.Find("[data-testid=topup-result]").TextContent));
        Assert.Equal("¥5.30", cut.Find("[data-testid=topup-balance]").TextContent);
        Assert.Equal(530, (await Factory.MoneyOfAsync(User.Id)).Balance);
    }

    [Fact]
    public async Task Redeem_CodeAlreadyUsed_ShowsErrorInChineseAndBalanceUnchanged()
    {
        UseCulture("zh-CN");
        await SignInAsync();
        var code = await CreateCodeAsync(500);
        var other = await Factory.CreateUserAsync();
        Assert.True((await Factory.Services.GetRequiredService<BillingLedger>().RedeemAsync(other.Id, code)).Succeeded);
        var cut = RenderPage<TopUpPage>();

        await InputAsync(cut, "input[data-testid=redeem-code]", code);
        cut.WaitForAssertion(() => Assert.False(Button(cut, "兑换").HasAttribute("disabled")));
        await ClickAsync(cut, "兑换");

        cut.WaitForAssertion(() => Assert.Contains("该兑换码已被使用。", cut.Find("[data-testid=topup-result]").TextContent));
        Assert.Equal(0, (await Factory.MoneyOfAsync(User.Id)).Balance);
    }

    [Fact]
    public async Task Redeem_UnknownCode_ShowsNotFound()
    {
        UseCulture("en");
        await SignInAsync();
        var cut = RenderPage<TopUpPage>();

        await InputAsync(cut, "input[data-testid=redeem-code]", "PTL-AAAA-BBBB-CCCC");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Redeem").HasAttribute("disabled")));
        await ClickAsync(cut, "Redeem");

        cut.WaitForAssertion(() => Assert.Contains("No such redemption code", cut.Find("[data-testid=topup-result]").TextContent));
        Assert.Equal(0, (await Factory.MoneyOfAsync(User.Id)).Balance);
    }

    [Fact]
    public async Task WeChatPayNotConfigured_OnlyRedemptionIsOffered()
    {
        UseCulture("en");
        await SignInAsync();
        var cut = RenderPage<TopUpPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("input[data-testid=redeem-code]")));
        Assert.Empty(cut.FindAll("[data-testid=wxpay-panel]"));
    }

    private async Task<string> CreateCodeAsync(long amountFen)
    {
        var (_, codes) = await Factory.Services.GetRequiredService<RedemptionCodeService>().CreateBatchAsync("test-admin", amountFen, 1, null);
        return codes[0].Code;
    }
}
