using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;
using Portal.Features.Payments;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.E2E;

/// <summary>
/// The WeChat Pay journey against a stand-in WeChat Pay (WireMock, throwaway keys): pick an amount on Top-up, see the
/// QR code, the stand-in sends a signed, encrypted notification, and the page turns to paid with the app-bar balance
/// and a ledger line. Screenshot saved to TestResults/e2e-artifacts/.
/// </summary>
public sealed class PaymentJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private const string PublicKeyId = "PUB_KEY_ID_0119000001092025010100000000000001";
    private readonly WireMockServer _wechatPay = WireMockServer.Start();
    private readonly PortalServer _server = new();
    private readonly RSA _merchant = RSA.Create(2048);
    private readonly RSA _platform = RSA.Create(2048);
    private readonly string _apiV3Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly string _keys = Directory.CreateTempSubdirectory("wxpay-e2e-").FullName;

    [Fact]
    public async Task PayTenYuan_QrShown_NotificationArrives_PageTurnsPaidBalanceAndLedgerUpdate()
    {
        File.WriteAllText(Path.Combine(_keys, "apiclient_key.pem"), _merchant.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_keys, "pub_key.pem"), _platform.ExportSubjectPublicKeyInfoPem());
        _wechatPay.Given(Request.Create().WithPath("/v3/pay/transactions/native").UsingPost())
            .RespondWith(Signed(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json"), "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=E2eTest\"}"));
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["MchId"] = "1900000109", ["AppId"] = "wxd678efh567hg6787", ["ApiV3Key"] = _apiV3Key, ["MerchantCertificateSerial"] = "5157F09EFDC096DE",
                     ["MerchantPrivateKeyPath"] = Path.Combine(_keys, "apiclient_key.pem"), ["PublicKeyId"] = PublicKeyId,
                     ["PublicKeyPath"] = Path.Combine(_keys, "pub_key.pem"), ["NotifyUrl"] = "https://portal.example.com/payments/wechatpay/notify",
                     ["ApiBaseUrl"] = _wechatPay.Url!,
                 })
            _server.Settings[$"Payments:WeChatPay:{key}"] = value;
        _server.Start();

        await using var context = await browser.Browser.NewContextAsync();
        var user = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync($"pay-{Guid.NewGuid():N}@example.com", "Pay-Passw0rd!");
        await user.OpenAsync("/topup");
        await user.Page.Locator("[data-testid=wxpay-preset-1000]").ClickAsync();
        await Assertions.Expect(user.Page.Locator("input[data-testid=wxpay-amount]")).ToHaveValueAsync("10.00");
        await user.Page.Locator("[data-testid=wxpay-create]").ClickAsync();

        var qr = user.Page.Locator("img[data-testid=wxpay-qr]");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the QR code did not load");
        await Assertions.Expect(user.Page.Locator("[data-testid=wxpay-countdown]")).ToContainTextAsync("Expires in 1");
        await Assertions.Expect(user.Page.Locator("[data-testid=wxpay-status]")).ToContainTextAsync("Waiting for payment");

        // The payer scans and pays: the stand-in notifies Portal.
        var sent = JsonDocument.Parse(Assert.Single(_wechatPay.LogEntries).RequestMessage.Body!).RootElement;
        var outTradeNo = sent.GetProperty("out_trade_no").GetString()!;
        var transaction = JsonSerializer.Serialize(new
        {
            appid = "wxd678efh567hg6787", mchid = "1900000109", out_trade_no = outTradeNo, transaction_id = "4200000000202512050000000042",
            trade_type = "NATIVE", trade_state = "SUCCESS", amount = new { total = 1000, payer_total = 1000, currency = "CNY", payer_currency = "CNY" },
        });
        const string nonce = "a1b2c3d4e5f6";
        var body = JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), event_type = "TRANSACTION.SUCCESS", resource_type = "encrypt-resource",
            resource = new
            {
                algorithm = "AEAD_AES_256_GCM", original_type = "transaction", associated_data = "transaction", nonce,
                ciphertext = WeChatPayCrypto.Encrypt(Encoding.UTF8.GetBytes(_apiV3Key), nonce, "transaction", transaction),
            },
        });
        using var http = new HttpClient();
        using var notify = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + PaymentsExtensions.WeChatPayNotifyPath)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in Headers(body)) notify.Headers.TryAddWithoutValidation(name, value);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(notify)).StatusCode);

        await Assertions.Expect(user.Page.Locator("[data-testid=wxpay-status]")).ToContainTextAsync("Paid");
        await Assertions.Expect(user.Page.Locator("[data-testid=appbar-balance]")).ToContainTextAsync("10.00");
        await Assertions.Expect(user.Page.Locator("[data-testid=topup-balance]")).ToContainTextAsync("10.00");
        await Assertions.Expect(user.Page.Locator("[data-testid=topup-orders]")).ToContainTextAsync(outTradeNo);
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "journey-wechat-pay.png"), FullPage = true });

        await user.OpenAsync("/ledger");
        await Assertions.Expect(user.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "+10.00" })).ToHaveCountAsync(1);
    }

    private Dictionary<string, string> Headers(string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = WeChatPayCrypto.NewNonce();
        return new()
        {
            ["Wechatpay-Timestamp"] = timestamp, ["Wechatpay-Nonce"] = nonce, ["Wechatpay-Serial"] = PublicKeyId,
            ["Wechatpay-Signature"] = WeChatPayCrypto.Sign(_platform, WeChatPayCrypto.ResponseMessage(timestamp, nonce, body)),
        };
    }

    private IResponseBuilder Signed(IResponseBuilder response, string body)
    {
        foreach (var (name, value) in Headers(body)) response = response.WithHeader(name, value);
        return response.WithBody(body);
    }

    public void Dispose()
    {
        _wechatPay.Stop();
        _server.Dispose();
        _merchant.Dispose();
        _platform.Dispose();
        try { Directory.Delete(_keys, recursive: true); } catch (IOException) { }
    }
}
