using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.WeChat;
using Portal.Tests.Features.WeChat;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.TestMode;

/// <summary>
/// Test-mode tokens end to end, on all four seed families: answered by the WeChat simulator (the WireMock stub of WeChat
/// records no request at all in this class), paid from the test balance, never moving live money, in the seeds'
/// envelopes and status codes (docs/api.md "Test mode").
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class TestModeApiTests(WeChatFixture fx) : IClassFixture<WeChatFixture>
{
    private const long Live = 500;
    private const long TestCredit = 1_000;

    private sealed record Caller(TestUser User, HttpClient Client);

    private async Task<Caller> ArrangeAsync(long live = Live, long test = TestCredit)
    {
        var user = await fx.Factory.CreateUserAsync(live);
        if (test > 0) Assert.True((await fx.Factory.Services.GetRequiredService<BillingLedger>().AddTestCreditAsync(user.Id, test)).Succeeded);
        return new Caller(user, fx.Factory.ApiClient(await fx.Factory.IssueTestTokenAsync(user)));
    }

    /// <summary>Live money untouched, test money consistent, nothing sent to WeChat; returns the test balance.</summary>
    private async Task<long> AssertSeparatedAsync(TestUser user, long live = Live)
    {
        Assert.Equal((live, live, live > 0 ? 1 : 0), await fx.Factory.MoneyOfAsync(user.Id));
        var test = await fx.Factory.TestMoneyOfAsync(user.Id);
        Assert.Equal(test.Balance, test.LedgerSum);
        Assert.Empty(fx.Stub.LogEntries);
        await fx.Factory.AssertLedgerInvariantsAsync();
        return test.Balance;
    }

    private static async Task<(int Status, JsonElement Body)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return ((int)response.StatusCode, await response.ReadJsonAsync());
    }

    private static void AssertKeys(JsonElement body, params string[] keys) =>
        Assert.Equal(keys.Order(StringComparer.Ordinal), body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    [Fact]
    public async Task FamilyC_TestLogin_OpenIdUnionIdDecode_AnsweredBySimulator_PaidFromTestBalance()
    {
        var c = await ArrangeAsync();
        var appId = WeChatStub.NewAppId(); // never registered
        var secret = WeChatStub.NewSecret();

        var (status, body) = await GetAsync(c.Client, $"/wx/mini/v1/{appId}/{secret}/code2Session?code={WeChatSimulator.LoginOk}");
        Assert.Equal(200, status);
        AssertKeys(body, "code", "success", "msg", "data");
        var session = body.GetProperty("data").GetString()!;
        Assert.StartsWith(WeChatSessionService.TokenPrefix, session);

        var openId = await GetAsync(c.Client, $"/wx/mini/v1/{appId}/openId?token={session}");
        Assert.Equal(200, openId.Status);
        Assert.Equal(WeChatSimulator.OpenId, openId.Body.GetProperty("data").GetString());
        var unionId = await GetAsync(c.Client, $"/wx/mini/v1/{appId}/unionId?token={session}");
        Assert.Equal(WeChatSimulator.UnionId, unionId.Body.GetProperty("data").GetString());

        var iv = new byte[16];
        var encrypted = WeChatDataCrypto.Encrypt(Convert.FromBase64String(WeChatSimulator.SessionKey), iv,
            JsonSerializer.Serialize(new { phoneNumber = "13800000000", watermark = new { appid = appId, timestamp = 1 } }));
        var decoded = await GetAsync(c.Client, $"/wx/mini/v1/{appId}/decode?sessionkey={Uri.EscapeDataString(session)}" +
            $"&encryptedData={Uri.EscapeDataString(encrypted)}&iv={Uri.EscapeDataString(Convert.ToBase64String(iv))}");
        Assert.Equal(200, decoded.Status);
        Assert.Equal("13800000000", decoded.Body.GetProperty("data").GetProperty("phoneNumber").GetString());

        var token = await GetAsync(c.Client, $"/wx/mini/v1/{appId}/{secret}/access_token");
        Assert.Equal(200, token.Status);
        Assert.StartsWith("TEST_", token.Body.GetProperty("data").GetString());

        var test = await AssertSeparatedAsync(c.User);
        Assert.True(test < TestCredit);
        Assert.All(await fx.Factory.ChargesOfAsync(c.User.Id), ch => Assert.True(ch.IsTest));
    }

    [Fact]
    public async Task FamilyC_TestCodeInvalid_Is40029_AndRefundedToTheTestBalance()
    {
        var c = await ArrangeAsync();

        var (status, body) = await GetAsync(c.Client, $"/wx/mini/v1/{WeChatStub.NewAppId()}/{WeChatStub.NewSecret()}/code2Session?code={WeChatSimulator.LoginInvalid}");

        Assert.Equal(400, status);
        AssertKeys(body, "code", "success", "msg");
        Assert.Equal(40029, body.GetProperty("code").GetInt32());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(TestCredit, await AssertSeparatedAsync(c.User));
        Assert.Equal(ChargeStatus.Refunded, Assert.Single(await fx.Factory.ChargesOfAsync(c.User.Id)).Status);
    }

    [Fact]
    public async Task FamilyC_QrCodeUnlimited_ImageAndErrcodeOnDemand()
    {
        var c = await ArrangeAsync();
        var url = $"/wx/mini/v1/{WeChatStub.NewAppId()}/{WeChatStub.NewSecret()}/qrcode/unlimited";

        var ok = await c.Client.PostJsonAsync(url, new { scene = "id=42", page = "pages/index/index" });
        var refused = await c.Client.PostJsonAsync(url, new { scene = "errcode_45009" });

        Assert.Equal(200, ok.Status);
        var png = Convert.FromBase64String(ok.Body.GetProperty("data").GetString()!);
        Assert.Equal(WeChatStub.Png[..8], png[..8]);
        Assert.Equal(502, refused.Status);
        AssertKeys(refused.Body, "code", "success", "msg");
        Assert.Equal(45009, refused.Body.GetProperty("code").GetInt32());
        var test = await AssertSeparatedAsync(c.User);
        var price = await fx.Factory.Services.GetRequiredService<BillingLedger>().GetPriceFenAsync(BillableProducts.QrCodeGenerate);
        Assert.Equal(TestCredit - price, test);
    }

    [Fact]
    public async Task FamilyA_AllFourRoutes_OnTestMoney_WithTheSeedEnvelopes()
    {
        var c = await ArrangeAsync();
        var appId = WeChatStub.NewAppId();

        var qr = await c.Client.PostAsync("/generate-qr", new { appid = appId, pagepath = "pages/index/index", type = "wxcode_b", scene = "a=1" });
        var balance = Money.Format((await fx.Factory.TestMoneyOfAsync(c.User.Id)).Balance);
        GatewayAssert.IsSuccess(qr, qr.Body.GetProperty("msg").GetString()!, balance, "qrcode_url");
        var image = await c.Client.GetAsync(new Uri(qr.Body.GetProperty("qrcode_url").GetString()!).PathAndQuery);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        var refused = await c.Client.PostAsync("/generate-qr", new { appid = appId, pagepath = "pages/index/index", type = "wxcode_b", scene = "errcode_45009" });
        Assert.Equal(502, refused.Status);
        GatewayAssert.HasExactlyKeys(refused.Body, "code", "msg", "detail", "current_balance");
        Assert.Equal(502, refused.Body.GetProperty("code").GetInt32());
        Assert.Equal(balance, refused.Body.GetProperty("current_balance").GetString());
        Assert.Equal(45009, refused.Body.GetProperty("detail").GetProperty("errcode").GetInt32());

        var link = await c.Client.PostAsync("/generate-miniprogram-link", new { appid = appId, pagepath = "pages/index/index" });
        Assert.Equal(200, link.Status);
        var decoded = await c.Client.PostAsync("/decode-link", new { link = link.Body.GetProperty("miniprogram_link").GetString() });
        Assert.Equal(200, decoded.Status);
        Assert.Equal(appId, decoded.Body.GetProperty("appid").GetString());
        var shortLink = await c.Client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/a" });
        Assert.Equal(200, shortLink.Status);

        var test = await AssertSeparatedAsync(c.User);
        Assert.Equal(Money.Format(test), shortLink.Body.GetProperty("current_balance").GetString());
        Assert.Equal(4, (await fx.Factory.ChargesOfAsync(c.User.Id)).Count(ch => ch.IsTest && ch.Status != ChargeStatus.Refunded));
    }

    [Fact]
    public async Task FamilyB_NoAppIdNeeded_ImageBase64AndErrcode()
    {
        var c = await ArrangeAsync();

        var image = await c.Client.PostAsJsonAsync("/api/h5/qrcode/generate", new { scene = "s1", page = "pages/index/index" });
        var base64 = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = "s2", width = 500 });
        var refused = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = "errcode_45011" });

        Assert.Equal(200, (int)image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(200, base64.Status);
        Assert.Equal(["success", "code", "message", "data", "timestamp"], base64.Body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("data:image/png;base64,", base64.Body.GetProperty("data").GetProperty("qrcode").GetString());
        Assert.Equal(502, refused.Status);
        Assert.Equal(["success", "message", "code", "timestamp"], refused.Body.EnumerateObject().Select(p => p.Name));
        await AssertSeparatedAsync(c.User);
    }

    [Fact]
    public async Task TestShortLink_LivesADayAndServes100Visits_ALongerOneIsRefusedUncharged()
    {
        var c = await ArrangeAsync();
        var before = DateTimeOffset.UtcNow;

        var plain = await c.Client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/t" });
        var forever = await c.Client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/u", maxVisits = 1000 });
        var nextWeek = await c.Client.PostAsync("/generate-shortlink",
            new { longUrl = "https://example.com/v", expiresAt = before.AddDays(7).ToString("yyyy-MM-dd'T'HH:mm:sszzz") });

        Assert.Equal(200, plain.Status);
        var code = plain.Body.GetProperty("short_url").GetString()!.Split('/')[^1];
        await using (var db = await fx.Factory.DbAsync())
        {
            var link = await db.ShortLinks.SingleAsync(l => l.Code == code);
            Assert.Equal(100, link.MaxVisits);
            Assert.InRange(link.ExpiresAt!.Value, before.AddHours(24).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(24));
        }
        foreach (var refused in new[] { forever, nextWeek })
        {
            Assert.Equal(400, refused.Status);
            Assert.Contains("测试模式", refused.Body.GetProperty("msg").GetString());
        }
        Assert.Single(await fx.Factory.ChargesOfAsync(c.User.Id));
        Assert.Equal(TestCredit - 10, await AssertSeparatedAsync(c.User));
    }

    [Fact]
    public async Task TestToken_WithoutTestBalance_Is402_AndLiveMoneyStays()
    {
        var c = await ArrangeAsync(live: 10_000, test: 0);

        var response = await c.Client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/b" });

        GatewayAssert.IsError(response, 402, "0.00");
        Assert.Empty(await fx.Factory.ChargesOfAsync(c.User.Id));
        await AssertSeparatedAsync(c.User, live: 10_000);
    }

    [Fact]
    public async Task LiveToken_NeverSpendsTheTestBalance()
    {
        var user = await fx.Factory.CreateUserAsync();
        await fx.Factory.Services.GetRequiredService<BillingLedger>().AddTestCreditAsync(user.Id, TestCredit);
        var live = fx.Factory.ApiClient(await fx.Factory.IssueTokenAsync(user));

        var response = await live.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/c" });

        GatewayAssert.IsError(response, 402, "0.00");
        Assert.Equal((TestCredit, TestCredit, 1), await fx.Factory.TestMoneyOfAsync(user.Id));
        Assert.Empty(await fx.Factory.ChargesOfAsync(user.Id));
    }

    [Fact]
    public async Task TestToken_BadRequest_ReportsTheTestBalance()
    {
        var c = await ArrangeAsync();

        var malformed = await c.Client.PostRawAsync("/generate-shortlink", "{not json");
        var missing = await c.Client.PostAsync("/generate-shortlink", new { longUrl = "" });

        GatewayAssert.IsError(malformed, 400, Money.Format(TestCredit));
        GatewayAssert.IsError(missing, 400, Money.Format(TestCredit));
        await AssertSeparatedAsync(c.User);
    }

    [Fact]
    public async Task ModeSet_StoresTheChoiceInItsCookie_AndReturnsOnlyToThisSite()
    {
        var client = fx.Factory.ApiClient(null);

        var test = await client.GetAsync("/mode/set?mode=test&redirectUri=%2Fledger");
        var live = await client.GetAsync("/mode/set?mode=live&redirectUri=%2F%2Fevil.example");

        Assert.Equal(302, (int)test.StatusCode);
        Assert.Equal("/ledger", test.Headers.Location?.OriginalString);
        Assert.Contains(test.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Mode=test;", StringComparison.Ordinal) && c.Contains("httponly"));
        Assert.Equal("/", live.Headers.Location?.OriginalString);
        Assert.Contains(live.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Portal.Mode=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestToken_UnwellformedAppId_IsRefusedBeforeAnyDebit()
    {
        var c = await ArrangeAsync();

        var (status, body) = await GetAsync(c.Client, $"/wx/mini/v1/not-an-appid/{WeChatStub.NewSecret()}/code2Session?code={WeChatSimulator.LoginOk}");

        Assert.Equal(403, status);
        Assert.Equal(40013, body.GetProperty("code").GetInt32());
        Assert.Equal(TestCredit, await AssertSeparatedAsync(c.User));
    }
}
