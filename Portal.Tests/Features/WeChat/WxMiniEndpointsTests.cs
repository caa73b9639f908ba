using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Portal.Tests.Features.WeChat;

/// <summary>Seed 003 routes (docs/api.md family C) end to end: HTTP, billing and the WeChat stub.</summary>
public sealed class WxMiniEndpointsTests(WeChatFixture fx) : IClassFixture<WeChatFixture>
{
    private const long Funding = 1000;

    private sealed record Ctx(TestUser User, HttpClient Client, MiniProgramApp App, string Secret)
    {
        public string Base => $"/wx/mini/v1/{App.AppId}";
        public string SecretBase => $"/wx/mini/v1/{App.AppId}/{Secret}";
    }

    private async Task<Ctx> ArrangeAsync(long balance = Funding)
    {
        fx.Stub.Reset();
        var user = await fx.Factory.CreateUserAsync(balance);
        var (app, secret) = await fx.Factory.RegisterAppAsync(user);
        return new Ctx(user, fx.Factory.ApiClient(await fx.Factory.IssueTokenAsync(user)), app, secret);
    }

    private static async Task<(int Status, JsonElement Body)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return ((int)response.StatusCode, await response.ReadJsonAsync());
    }

    private static void AssertError(int expectedStatus, int expectedCode, (int Status, JsonElement Body) actual)
    {
        Assert.Equal(expectedStatus, actual.Status);
        Assert.Equal(expectedCode, actual.Body.GetProperty("code").GetInt32());
        Assert.False(actual.Body.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(actual.Body.GetProperty("msg").GetString()));
    }

    private async Task AssertMoneyAsync(TestUser user, long balance, int entries)
    {
        var money = await fx.Factory.MoneyOfAsync(user.Id);
        Assert.Equal(balance, money.Balance);
        Assert.Equal(balance, money.LedgerSum);
        Assert.Equal(entries, money.Entries);
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    private void StubLogin(string code, string sessionKey, string? unionId = "UNION-1") =>
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).WithParam("js_code", code).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(unionId is null
                ? new Dictionary<string, string> { ["openid"] = "OPEN-1", ["session_key"] = sessionKey }
                : new Dictionary<string, string> { ["openid"] = "OPEN-1", ["session_key"] = sessionKey, ["unionid"] = unionId }));

    [Fact]
    public async Task Code2Session_Success_ReturnsOpaqueTokenChargesTenFenAndStoresSession()
    {
        var c = await ArrangeAsync();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        StubLogin("good-code", key);

        var (status, body) = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=good-code");

        Assert.Equal(200, status);
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("ok", body.GetProperty("msg").GetString());
        var token = body.GetProperty("data").GetString()!;
        Assert.StartsWith(WeChatSessionService.TokenPrefix, token);
        Assert.DoesNotContain(key, body.GetRawText());
        await AssertMoneyAsync(c.User, Funding - 10, 2);
        await using var db = await fx.Factory.DbAsync();
        var session = await db.WeChatSessions.AsNoTracking().SingleAsync(s => s.AppRowId == c.App.Id);
        Assert.Equal(AppSecretProtector.Sha256Hex(token), session.TokenHash);
        Assert.DoesNotContain(key, session.ProtectedSessionKey);
        Assert.Equal("OPEN-1", session.OpenId);
    }

    [Theory]
    [InlineData(40029)]
    [InlineData(40163)]
    public async Task Code2Session_SingleUseCodeErrors_400WithErrcodeNoRetryRefunded(int errcode)
    {
        var c = await ArrangeAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet()).RespondWith(WeChatStub.ErrCode(errcode, "invalid code"));

        var result = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=used-code");

        AssertError(400, errcode, result);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, Funding, 3); // funding, debit, refund
    }

    [Theory]
    [InlineData(-1, 3)]
    [InlineData(45011, 1)]
    [InlineData(40226, 1)]
    public async Task Code2Session_BusyOrQuota_502WithErrcodeRefunded(int errcode, int expectedCalls)
    {
        var c = await ArrangeAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet()).RespondWith(WeChatStub.ErrCode(errcode, "nope"));

        var result = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=abc");

        AssertError(502, errcode, result);
        Assert.Equal(expectedCalls, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, Funding, 3);
    }

    [Fact]
    public async Task Code2Session_BusyOnceThenSuccess_Succeeds()
    {
        var c = await ArrangeAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet()).InScenario("b").WillSetStateTo("ok")
            .RespondWith(WeChatStub.ErrCode(-1, "system error"));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet()).InScenario("b").WhenStateIs("ok")
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "O", session_key = Convert.ToBase64String(new byte[16]) }));

        var (status, _) = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=abc");

        Assert.Equal(200, status);
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, Funding - 10, 2);
    }

    [Fact]
    public async Task Code2Session_WrongSecret_40125WithoutDebitOrUpstreamCall()
    {
        var c = await ArrangeAsync();
        var wrong = WeChatStub.NewSecret();

        var result = await GetAsync(c.Client, $"{c.Base}/{wrong}/code2Session?code=abc");
        var almost = await GetAsync(c.Client, $"{c.Base}/{c.Secret[..^1]}/code2Session?code=abc");

        AssertError(403, 40125, result);
        AssertError(403, 40125, almost);
        Assert.Equal(0, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task Code2Session_MissingCode_40029WithoutDebit()
    {
        var c = await ArrangeAsync();

        var result = await GetAsync(c.Client, $"{c.SecretBase}/code2Session");

        AssertError(400, 40029, result);
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task Code2Session_InsufficientBalance_402WithoutUpstreamCall()
    {
        var c = await ArrangeAsync(balance: 5);

        var result = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=abc");

        AssertError(402, 402, result);
        Assert.Equal(0, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, 5, 1);
    }

    [Fact]
    public async Task AnyRoute_AnotherUsersApp_40013()
    {
        var c = await ArrangeAsync();
        var other = await fx.Factory.CreateUserAsync();
        var (othersApp, othersSecret) = await fx.Factory.RegisterAppAsync(other);

        var code2Session = await GetAsync(c.Client, $"/wx/mini/v1/{othersApp.AppId}/{othersSecret}/code2Session?code=x");
        var openId = await GetAsync(c.Client, $"/wx/mini/v1/{othersApp.AppId}/openId?token=x");
        var unionId = await GetAsync(c.Client, $"/wx/mini/v1/{othersApp.AppId}/unionId?token=x");
        var decode = await GetAsync(c.Client, $"/wx/mini/v1/{othersApp.AppId}/decode?sessionkey=x&encryptedData=y&iv=z");
        var accessToken = await GetAsync(c.Client, $"/wx/mini/v1/{othersApp.AppId}/{othersSecret}/access_token");
        var unknown = await GetAsync(c.Client, $"/wx/mini/v1/{WeChatStub.NewAppId()}/openId?token=x");

        foreach (var r in new[] { code2Session, openId, unionId, decode, accessToken, unknown }) AssertError(403, 40013, r);
        Assert.Empty(fx.Stub.LogEntries);
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task AnyRoute_NoApiToken_401InFamilyEnvelope()
    {
        var c = await ArrangeAsync();
        var anonymous = fx.Factory.ApiClient(null);

        var result = await GetAsync(anonymous, $"{c.SecretBase}/access_token");
        var badToken = await GetAsync(fx.Factory.ApiClient("wxp_not-a-token"), $"{c.Base}/openId?token=x");

        AssertError(401, 401, result);
        AssertError(401, 401, badToken);
    }

    [Fact]
    public async Task OpenIdAndUnionId_WithSessionToken_ReturnValuesForFree()
    {
        var c = await ArrangeAsync();
        StubLogin("c1", Convert.ToBase64String(new byte[16]), unionId: "UNION-X");
        var token = (await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=c1")).Body.GetProperty("data").GetString();

        var openId = await GetAsync(c.Client, $"{c.Base}/openId?token={Uri.EscapeDataString(token!)}");
        var unionId = await GetAsync(c.Client, $"{c.Base}/unionId?token={Uri.EscapeDataString(token!)}");

        Assert.Equal(200, openId.Status);
        Assert.Equal("OPEN-1", openId.Body.GetProperty("data").GetString());
        Assert.Equal("UNION-X", unionId.Body.GetProperty("data").GetString());
        await AssertMoneyAsync(c.User, Funding - 10, 4); // two zero-priced charges recorded
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.Code2SessionPath));
    }

    [Fact]
    public async Task UnionId_WeChatGaveNone_DataIsNull()
    {
        var c = await ArrangeAsync();
        StubLogin("c2", Convert.ToBase64String(new byte[16]), unionId: null);
        var token = (await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=c2")).Body.GetProperty("data").GetString();

        var (status, body) = await GetAsync(c.Client, $"{c.Base}/unionId?token={Uri.EscapeDataString(token!)}");

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task OpenId_MissingOrUnknownToken_1001And1000()
    {
        var c = await ArrangeAsync();

        var missing = await GetAsync(c.Client, $"{c.Base}/openId");
        var unknown = await GetAsync(c.Client, $"{c.Base}/openId?token=wxs_unknown");
        var unionMissing = await GetAsync(c.Client, $"{c.Base}/unionId?token=");

        AssertError(400, 1001, missing);
        AssertError(401, 1000, unknown);
        AssertError(400, 1001, unionMissing);
        Assert.Equal("unauthorized", unknown.Body.GetProperty("msg").GetString());
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task OpenId_SessionOfAnotherApp_1000()
    {
        var c = await ArrangeAsync();
        var (second, secondSecret) = await fx.Factory.RegisterAppAsync(c.User);
        StubLogin("c3", Convert.ToBase64String(new byte[16]));
        var token = (await GetAsync(c.Client, $"/wx/mini/v1/{second.AppId}/{secondSecret}/code2Session?code=c3")).Body.GetProperty("data").GetString();

        var result = await GetAsync(c.Client, $"{c.Base}/openId?token={Uri.EscapeDataString(token!)}");

        AssertError(401, 1000, result);
    }

    private static (string SessionKey, string Iv, string Encrypted) Vector(string appId, string payload = "\"openId\":\"OPEN-1\",\"nickName\":\"张三\"")
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(16);
        var plaintext = $"{{{payload},\"watermark\":{{\"appid\":\"{appId}\",\"timestamp\":1477314187}}}}";
        using var aes = Aes.Create();
        aes.Key = key;
        var cipher = aes.EncryptCbc(System.Text.Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7);
        return (Convert.ToBase64String(key), Convert.ToBase64String(iv), Convert.ToBase64String(cipher));
    }

    private static string DecodeUrl(string baseUrl, string sessionKey, string encrypted, string iv) =>
        $"{baseUrl}/decode?sessionkey={Uri.EscapeDataString(sessionKey)}&encryptedData={Uri.EscapeDataString(encrypted)}&iv={Uri.EscapeDataString(iv)}";

    [Fact]
    public async Task Decode_RawSessionKey_ReturnsDecryptedObjectAndCharges()
    {
        var c = await ArrangeAsync();
        var v = Vector(c.App.AppId);

        var (status, body) = await GetAsync(c.Client, DecodeUrl(c.Base, v.SessionKey, v.Encrypted, v.Iv));

        Assert.Equal(200, status);
        var data = body.GetProperty("data");
        Assert.Equal("OPEN-1", data.GetProperty("openId").GetString());
        Assert.Equal("张三", data.GetProperty("nickName").GetString());
        Assert.Equal(c.App.AppId, data.GetProperty("watermark").GetProperty("appid").GetString());
        await AssertMoneyAsync(c.User, Funding - 10, 2);
    }

    [Fact]
    public async Task Decode_SessionToken_UsesStoredSessionKey()
    {
        var c = await ArrangeAsync();
        var v = Vector(c.App.AppId);
        StubLogin("c4", v.SessionKey);
        var token = (await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=c4")).Body.GetProperty("data").GetString()!;

        var (status, body) = await GetAsync(c.Client, DecodeUrl(c.Base, token, v.Encrypted, v.Iv));

        Assert.Equal(200, status);
        Assert.Equal("OPEN-1", body.GetProperty("data").GetProperty("openId").GetString());
        await AssertMoneyAsync(c.User, Funding - 20, 3);
    }

    [Fact]
    public async Task Decode_OlderSessionAfterNewLogin_UsesLatestSessionKey()
    {
        var c = await ArrangeAsync();
        var v = Vector(c.App.AppId);
        StubLogin("first", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        StubLogin("second", v.SessionKey);
        var firstToken = (await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=first")).Body.GetProperty("data").GetString()!;
        await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=second");

        var (status, body) = await GetAsync(c.Client, DecodeUrl(c.Base, firstToken, v.Encrypted, v.Iv));

        Assert.Equal(200, status);
        Assert.Equal("OPEN-1", body.GetProperty("data").GetProperty("openId").GetString());
    }

    [Fact]
    public async Task Decode_WatermarkOfAnotherApp_1004WithoutDebit()
    {
        var c = await ArrangeAsync();
        var v = Vector(WeChatStub.NewAppId());

        var result = await GetAsync(c.Client, DecodeUrl(c.Base, v.SessionKey, v.Encrypted, v.Iv));

        AssertError(400, 1004, result);
        Assert.Equal("error: decode failed", result.Body.GetProperty("msg").GetString());
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task Decode_WrongKeyOrBadBase64_1004WithoutDebit()
    {
        var c = await ArrangeAsync();
        var v = Vector(c.App.AppId);
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

        var wrongKey = await GetAsync(c.Client, DecodeUrl(c.Base, otherKey, v.Encrypted, v.Iv));
        var badData = await GetAsync(c.Client, DecodeUrl(c.Base, v.SessionKey, "!!not-base64!!", v.Iv));
        var shortIv = await GetAsync(c.Client, DecodeUrl(c.Base, v.SessionKey, v.Encrypted, Convert.ToBase64String(new byte[8])));

        AssertError(400, 1004, wrongKey);
        AssertError(400, 1004, badData);
        AssertError(400, 1004, shortIv);
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task Decode_MissingParameters_1001To1003AndUnknownToken1000()
    {
        var c = await ArrangeAsync();

        AssertError(400, 1001, await GetAsync(c.Client, $"{c.Base}/decode?encryptedData=a&iv=b"));
        AssertError(400, 1002, await GetAsync(c.Client, $"{c.Base}/decode?sessionkey=a&iv=b"));
        AssertError(400, 1003, await GetAsync(c.Client, $"{c.Base}/decode?sessionkey=a&encryptedData=b"));
        AssertError(401, 1000, await GetAsync(c.Client, $"{c.Base}/decode?sessionkey=wxs_nope&encryptedData=b&iv=c"));
        await AssertMoneyAsync(c.User, Funding, 1);
    }

    [Fact]
    public async Task AccessToken_ReturnsCentralTokenAndFetchesOnce()
    {
        var c = await ArrangeAsync();
        fx.Stub.StableToken("CENTRAL-TOKEN");

        var first = await GetAsync(c.Client, $"{c.SecretBase}/access_token");
        var second = await GetAsync(c.Client, $"{c.SecretBase}/access_token");

        Assert.Equal("CENTRAL-TOKEN", first.Body.GetProperty("data").GetString());
        Assert.Equal("CENTRAL-TOKEN", second.Body.GetProperty("data").GetString());
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
        await AssertMoneyAsync(c.User, Funding, 3);
    }

    [Fact]
    public async Task AccessToken_WrongSecretAndUpstreamError_40125And502()
    {
        var c = await ArrangeAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).RespondWith(WeChatStub.ErrCode(40164, "invalid ip"));

        var wrong = await GetAsync(c.Client, $"{c.Base}/{WeChatStub.NewSecret()}/access_token");
        var upstream = await GetAsync(c.Client, $"{c.SecretBase}/access_token");

        AssertError(403, 40125, wrong);
        AssertError(502, 40164, upstream);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task AccessToken_PricedByAdmin_ChargedAndRefundedOnFailure()
    {
        var c = await ArrangeAsync();
        var ledger = fx.Factory.Services.GetService(typeof(BillingLedger)) as BillingLedger;
        await ledger!.SetPriceAsync(BillableProducts.WeChatAccessToken, 3);
        try
        {
            fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).RespondWith(WeChatStub.ErrCode(45009, "reach max api daily quota limit"));

            var result = await GetAsync(c.Client, $"{c.SecretBase}/access_token");

            AssertError(502, 45009, result);
            Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
            await AssertMoneyAsync(c.User, Funding, 3);
        }
        finally
        {
            await ledger.SetPriceAsync(BillableProducts.WeChatAccessToken, 0);
        }
    }

    [Fact]
    public async Task Code2Session_UpstreamHttp500_500RefundedNoRetry()
    {
        var c = await ArrangeAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("<html>bad gateway</html>"));

        var result = await GetAsync(c.Client, $"{c.SecretBase}/code2Session?code=abc");

        AssertError(500, 500, result);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        await AssertMoneyAsync(c.User, Funding, 3);
    }

    [Fact]
    public async Task OpenId_ExpiredSession_1000AndPurgedByJob()
    {
        var c = await ArrangeAsync();
        const string token = "wxs_expired-session-token";
        await using (var db = await fx.Factory.DbAsync())
        {
            var past = DateTimeOffset.UtcNow.AddDays(-4);
            db.WeChatSessions.Add(new WeChatSession
            {
                Id = Guid.CreateVersion7(), TokenHash = AppSecretProtector.Sha256Hex(token), AppRowId = c.App.Id, OpenId = "O",
                ProtectedSessionKey = "x", CreatedAt = past, ExpiresAt = past.AddDays(3),
            });
            await db.SaveChangesAsync();
        }

        var result = await GetAsync(c.Client, $"{c.Base}/openId?token={token}");
        var purged = await fx.Factory.Services.GetRequiredService<PurgeExpiredWeChatSessionsJob>().RunAsync(CancellationToken.None);

        AssertError(401, 1000, result);
        Assert.True(purged >= 1);
        await using var check = await fx.Factory.DbAsync();
        Assert.False(await check.WeChatSessions.AnyAsync(s => s.AppRowId == c.App.Id));
    }
}
