using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Payments;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Features.Payments;

/// <summary>
/// Throwaway keys of a stand-in WeChat Pay: the merchant's key pair (Portal signs with the private half) and the WeChat
/// Pay platform key pair (the stand-in signs answers and notifications; Portal verifies with the public half), written
/// as PEM files, plus the APIv3 key.
/// </summary>
public sealed class WeChatPayKeysForTests : IDisposable
{
    public const string MchId = "1900000109";
    public const string AppId = "wxd678efh567hg6787";
    public const string MerchantSerial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    public const string PublicKeyId = "PUB_KEY_ID_0119000001092025010100000000000001";

    public RSA Merchant { get; } = RSA.Create(2048);
    public RSA Platform { get; } = RSA.Create(2048);
    public string ApiV3Key { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // 32 ASCII chars
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "wxpay-test-" + Guid.NewGuid().ToString("N"));
    public string MerchantKeyPath => Path.Combine(Directory, "apiclient_key.pem");
    public string PublicKeyPath => Path.Combine(Directory, "pub_key.pem");
    public string MerchantPublicKeyPath => Path.Combine(Directory, "apiclient_pub.pem");
    public string PlatformKeyPath => Path.Combine(Directory, "platform_key.pem");

    public WeChatPayKeysForTests()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(MerchantKeyPath, Merchant.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(MerchantPublicKeyPath, Merchant.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(PublicKeyPath, Platform.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(PlatformKeyPath, Platform.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Configures <paramref name="factory"/> for this merchant against <paramref name="apiBaseUrl"/>.</summary>
    public void Configure(PortalFactory factory, string apiBaseUrl)
    {
        factory.Settings["Payments:WeChatPay:MchId"] = MchId;
        factory.Settings["Payments:WeChatPay:AppId"] = AppId;
        factory.Settings["Payments:WeChatPay:ApiV3Key"] = ApiV3Key;
        factory.Settings["Payments:WeChatPay:MerchantCertificateSerial"] = MerchantSerial;
        factory.Settings["Payments:WeChatPay:MerchantPrivateKeyPath"] = MerchantKeyPath;
        factory.Settings["Payments:WeChatPay:PublicKeyId"] = PublicKeyId;
        factory.Settings["Payments:WeChatPay:PublicKeyPath"] = PublicKeyPath;
        factory.Settings["Payments:WeChatPay:NotifyUrl"] = "https://portal.example.com" + PaymentsExtensions.WeChatPayNotifyPath;
        factory.Settings["Payments:WeChatPay:ApiBaseUrl"] = apiBaseUrl;
    }

    /// <summary>The four Wechatpay-* headers of <paramref name="body"/> signed at <paramref name="at"/>.</summary>
    public Dictionary<string, string> SignedHeaders(string body, DateTimeOffset at, RSA? signer = null, string? serial = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = WeChatPayCrypto.NewNonce();
        return new()
        {
            ["Wechatpay-Timestamp"] = timestamp, ["Wechatpay-Nonce"] = nonce, ["Wechatpay-Serial"] = serial ?? PublicKeyId,
            ["Wechatpay-Signature"] = WeChatPayCrypto.Sign(signer ?? Platform, WeChatPayCrypto.ResponseMessage(timestamp, nonce, body)),
        };
    }

    /// <summary>A signed stand-in answer.</summary>
    public IResponseBuilder Answer(int status, string body, DateTimeOffset at)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body.Length > 0) response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in SignedHeaders(body, at)) response = response.WithHeader(name, value);
        return response;
    }

    /// <summary>The transaction JSON WeChat Pay reports for an order.</summary>
    public static string Transaction(string outTradeNo, string tradeState, long totalFen, string transactionId = "4200000000202501010000000001",
        string currency = "CNY", string mchId = MchId, string appId = AppId) =>
        JsonSerializer.Serialize(new
        {
            appid = appId, mchid = mchId, out_trade_no = outTradeNo, transaction_id = tradeState == "NOTPAY" ? null : transactionId,
            trade_type = "NATIVE", trade_state = tradeState, trade_state_desc = tradeState, bank_type = "OTHERS",
            success_time = "2025-01-01T10:00:00+08:00", payer = new { openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
            amount = new { total = totalFen, payer_total = totalFen, currency, payer_currency = currency },
        });

    /// <summary>A notification body carrying <paramref name="transaction"/> encrypted with <paramref name="apiV3Key"/> (ours by default).</summary>
    public string Notification(string transaction, string? apiV3Key = null)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)); // 12 characters
        var ciphertext = WeChatPayCrypto.Encrypt(Encoding.UTF8.GetBytes(apiV3Key ?? ApiV3Key), nonce, "transaction", transaction);
        return JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), create_time = "2025-01-01T10:00:01+08:00", resource_type = "encrypt-resource",
            event_type = "TRANSACTION.SUCCESS", summary = "支付成功",
            resource = new { original_type = "transaction", algorithm = "AEAD_AES_256_GCM", ciphertext, associated_data = "transaction", nonce },
        });
    }

    public void Dispose()
    {
        Merchant.Dispose();
        Platform.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A Portal (fake clock) configured for WeChat Pay against a WireMock stand-in, for one test.</summary>
public sealed class WeChatPayHarness : IDisposable
{
    public const string NativePath = "/v3/pay/transactions/native";

    public WireMockServer Stub { get; } = WireMockServer.Start();
    public WeChatPayKeysForTests Keys { get; }
    public FakeClockPortalFactory Factory { get; }
    private readonly bool _ownKeys;

    public WeChatPayHarness(WeChatPayKeysForTests? keys = null, FakeClockPortalFactory? factory = null)
    {
        _ownKeys = keys is null;
        Keys = keys ?? new WeChatPayKeysForTests();
        Factory = factory ?? new FakeClockPortalFactory();
        Keys.Configure(Factory, Stub.Url!);
    }

    public TopUpService TopUps => Factory.Services.GetRequiredService<TopUpService>();

    public DateTimeOffset Now => Factory.Clock.GetUtcNow();

    /// <summary>The stand-in creates Native orders with a code_url.</summary>
    public void NativeCreates(string codeUrl = "weixin://wxpay/bizpayurl?pr=Abc1234") =>
        Stub.Given(Request.Create().WithPath(NativePath).UsingPost())
            .RespondWith(Keys.Answer(200, JsonSerializer.Serialize(new { code_url = codeUrl }), Now));

    /// <summary>The stand-in answers the query of <paramref name="outTradeNo"/> with <paramref name="transaction"/>.</summary>
    public void QueryAnswers(string outTradeNo, string transaction) =>
        Stub.Given(Request.Create().WithPath($"/v3/pay/transactions/out-trade-no/{outTradeNo}").UsingGet())
            .RespondWith(Keys.Answer(200, transaction, Now));

    /// <summary>The stand-in closes <paramref name="outTradeNo"/> (204).</summary>
    public void CloseSucceeds(string outTradeNo) =>
        Stub.Given(Request.Create().WithPath($"/v3/pay/transactions/out-trade-no/{outTradeNo}/close").UsingPost())
            .RespondWith(Keys.Answer(204, "", Now));

    /// <summary>Creates a payable order for <paramref name="user"/>.</summary>
    public async Task<TopUpOrder> CreateOrderAsync(TestUser user, long amountFen)
    {
        NativeCreates();
        var outcome = await TopUps.CreateOrderAsync(user.Id, amountFen, "Portal top-up");
        Assert.Equal(CreateOrderError.None, outcome.Error);
        return outcome.Order!;
    }

    /// <summary>Posts a notification as WeChat Pay would (signed at the app's clock unless headers are given).</summary>
    public async Task<HttpResponseMessage> NotifyAsync(string body, Dictionary<string, string>? headers = null)
    {
        using var client = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, PaymentsExtensions.WeChatPayNotifyPath)
        {
            Content = new StringContent(body, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers ?? Keys.SignedHeaders(body, Now)) request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    public void Dispose()
    {
        Factory.Dispose();
        Stub.Stop();
        Stub.Dispose();
        if (_ownKeys) Keys.Dispose();
    }
}
