using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Payments;
using Portal.Tests.Features.Payments;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace Portal.Tests.Features.Payments;

/// <summary>The Top-up page with WeChat Pay configured (stand-in WeChat Pay): presets, QR code, live status, orders list.</summary>
public sealed class WeChatPayPanelTests : PortalComponentTest, IDisposable
{
    private readonly WireMockServer _stub = WireMockServer.Start();
    private readonly WeChatPayKeysForTests _keys = new();

    public WeChatPayPanelTests() => _keys.Configure(Factory, _stub.Url!);

    // Each test configures its app with its own WeChat Pay stub and keys.
    protected override bool ShareApp => false;

    public void Dispose()
    {
        _stub.Stop();
        _stub.Dispose();
        _keys.Dispose();
    }

    [Fact]
    public async Task PickPreset_GetQrCode_ThenPaymentLands_PageTurnsPaidAndBalanceUpdates()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 30);
        _stub.Given(Request.Create().WithPath(WeChatPayHarness.NativePath).UsingPost())
            .RespondWith(_keys.Answer(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=Test123\"}", DateTimeOffset.UtcNow));
        var cut = RenderPage<TopUpPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=wxpay-panel]")));
        Assert.Contains("Redeem a code", cut.Markup);

        await cut.InvokeAsync(() => cut.Find("[data-testid=wxpay-preset-5000]").Click());
        cut.WaitForAssertion(() => Assert.Equal("50.00", cut.Find("input[data-testid=wxpay-amount]").GetAttribute("value")));
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=wxpay-create]").HasAttribute("disabled")));
        await cut.InvokeAsync(() => cut.Find("[data-testid=wxpay-create]").Click());

        cut.WaitForAssertion(() => Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=wxpay-qr]").GetAttribute("src")));
        Assert.Equal("¥50.00", cut.Find("[data-testid=wxpay-order-amount]").TextContent);
        Assert.Contains("Expires in 1", cut.Find("[data-testid=wxpay-countdown]").TextContent); // 14:59 or 15:00
        Assert.Contains("Waiting for payment", cut.Find("[data-testid=wxpay-status]").TextContent);
        Assert.Contains("Awaiting payment", cut.Find("[data-testid=topup-orders]").TextContent);

        // WeChat Pay reports the payment (this instance credits it; the page hears of it at once).
        string outTradeNo;
        await using (var db = await Factory.DbAsync()) outTradeNo = (await db.TopUpOrders.SingleAsync()).OutTradeNo;
        var body = _keys.Notification(WeChatPayKeysForTests.Transaction(outTradeNo, "SUCCESS", 5_000));
        var headers = _keys.SignedHeaders(body, DateTimeOffset.UtcNow);
        Assert.Null(await Factory.Services.GetRequiredService<TopUpService>().HandleNotificationAsync(WeChatPayClient.ProviderName, n => headers.GetValueOrDefault(n), body));

        cut.WaitForAssertion(() => Assert.Contains("Paid. Your balance has been topped up.", cut.Find("[data-testid=wxpay-status]").TextContent));
        Assert.Contains("Paid", cut.Find("[data-testid=topup-orders]").TextContent);
        Assert.Equal(5_030, Ctx.Services.GetRequiredService<Portal.Components.Shared.BalanceState>().BalanceFen);
        cut.WaitForAssertion(() => Assert.Equal("¥50.30", cut.Find("[data-testid=topup-balance]").TextContent));

        // Another top-up starts from the amount form again.
        await cut.InvokeAsync(() => cut.Find("[data-testid=wxpay-again]").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("input[data-testid=wxpay-amount]")));
    }

    [Fact]
    public async Task AdminOrdersPage_ListsOrders_AndReQueryCreditsAPaidOne()
    {
        UseCulture("en");
        await SignInAsync(role: "Admin");
        var payer = await Factory.CreateUserAsync();
        _stub.Given(Request.Create().WithPath(WeChatPayHarness.NativePath).UsingPost())
            .RespondWith(_keys.Answer(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=Adm\"}", DateTimeOffset.UtcNow));
        var order = (await Factory.Services.GetRequiredService<TopUpService>().CreateOrderAsync(payer.Id, 2_500, "x")).Order!;
        _stub.Given(Request.Create().WithPath($"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}").UsingGet())
            .RespondWith(_keys.Answer(200, WeChatPayKeysForTests.Transaction(order.OutTradeNo, "SUCCESS", 2_500, "4200009999"), DateTimeOffset.UtcNow));

        var cut = RenderPage<TopUpOrdersAdminPage>();
        cut.WaitForAssertion(() => Assert.Contains(payer.Email, cut.Find("[data-testid=payments-table]").TextContent));
        Assert.Contains("Awaiting payment", cut.Find("[data-testid=payments-table]").TextContent);
        await cut.InvokeAsync(() => cut.Find($"[data-testid=requery-{order.OutTradeNo}]").Click());

        cut.WaitForAssertion(() => Assert.Contains("4200009999", cut.Find("[data-testid=payments-table]").TextContent));
        Assert.Empty(cut.FindAll($"[data-testid=requery-{order.OutTradeNo}]"));
        Assert.Equal(2_500, (await Factory.MoneyOfAsync(payer.Id)).Balance);
    }

    [Fact]
    public async Task AmountBelowMinimum_ShowsTheRangeInChinese_AndCannotBeOrdered()
    {
        UseCulture("zh-CN");
        await SignInAsync();
        var cut = RenderPage<TopUpPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=wxpay-panel]")));

        await InputAsync(cut, "input[data-testid=wxpay-amount]", "0.5");

        cut.WaitForAssertion(() => Assert.Contains("¥1.00 至 ¥5000.00", cut.Markup));
        Assert.True(cut.Find("[data-testid=wxpay-create]").HasAttribute("disabled"));
        Assert.Empty(_stub.LogEntries);
    }
}
