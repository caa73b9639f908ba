using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.WeChat;
using Portal.Infrastructure.Api;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Portal.Tests.Features.WeChat;

/// <summary>The hand-written client against the stub (docs/wechat.md §2, §5).</summary>
public sealed class WeChatApiClientTests(WeChatFixture fx) : IClassFixture<WeChatFixture>
{
    private IWeChatApi Api => fx.Factory.Services.GetRequiredService<IWeChatApi>();
    private WeChatTokenStore Store => fx.Factory.Services.GetRequiredService<WeChatTokenStore>();

    private async Task<MiniProgramApp> NewAppAsync()
    {
        fx.Stub.Reset();
        var user = await fx.Factory.CreateUserAsync();
        return (await fx.Factory.RegisterAppAsync(user)).App;
    }

    [Fact]
    public async Task GetAccessToken_FirstCall_FetchesStableTokenInNormalModeAndStoresItWithMargin()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("TOKEN-A", expiresIn: 7200);

        var first = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);
        var second = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        Assert.True(first.Succeeded);
        Assert.Equal("TOKEN-A", first.Value.Token);
        Assert.Equal(TimeSpan.FromSeconds(7200 - 300), first.Value.ExpiresAt - first.Value.FetchedAt);
        Assert.Equal("TOKEN-A", second.Value!.Token);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
        var body = fx.Stub.LogEntries.Single().RequestMessage.Body!;
        Assert.Contains("\"force_refresh\":false", body);
        Assert.Contains("\"grant_type\":\"client_credential\"", body);

        await using var db = await fx.Factory.DbAsync();
        var row = await db.WeChatAccessTokens.AsNoTracking().SingleAsync(t => t.AppRowId == app.Id);
        Assert.DoesNotContain("TOKEN-A", row.ProtectedToken);
        Assert.Equal(AppSecretProtector.Sha256Hex("TOKEN-A"), row.TokenHash);
    }

    [Fact]
    public async Task GetAccessToken_ShortLifetime_MarginCappedAtHalf()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("SHORT", expiresIn: 300);

        var token = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(150), token.Value!.ExpiresAt - token.Value.FetchedAt);
    }

    [Fact]
    public async Task GetAccessToken_FiftyConcurrentCalls_ExactlyOneStableTokenFetch()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("TOKEN-CONCURRENT", delayMs: 300);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Api.GetAccessTokenAsync(app, false, CancellationToken.None))));

        Assert.All(results, r => Assert.Equal("TOKEN-CONCURRENT", r.Value?.Token));
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task GetAccessToken_TwoInstancesConcurrently_DatabaseLeaseAllowsOneFetch()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("TOKEN-SHARED", delayMs: 500);
        var sp = fx.Factory.Services;
        // A second "instance": its own token store (own lease-owner id) and client (own in-process gates), same database.
        var otherStore = ActivatorUtilities.CreateInstance<WeChatTokenStore>(sp);
        IWeChatApi other = ActivatorUtilities.CreateInstance<WeChatApiClient>(sp, otherStore);

        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? Api : other).GetAccessTokenAsync(app, false, CancellationToken.None)));
        var results = await Task.WhenAll(calls);

        Assert.All(results, r => Assert.Equal("TOKEN-SHARED", r.Value?.Token));
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task GetAccessToken_BusyOnceThenSuccess_RetriesOnce()
    {
        var app = await NewAppAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("busy").WillSetStateTo("ok")
            .RespondWith(WeChatStub.ErrCode(-1, "system error"));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("busy").WhenStateIs("ok")
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = "AFTER-BUSY", expires_in = 7200 }));

        var token = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        Assert.Equal("AFTER-BUSY", token.Value?.Token);
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task GetAccessToken_AlwaysBusy_GivesUpAfterTwoRetries()
    {
        var app = await NewAppAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).RespondWith(WeChatStub.ErrCode(-1, "system error"));

        var token = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        Assert.Equal(WeChatOutcome.ErrCode, token.Outcome);
        Assert.Equal(-1, token.ErrCode);
        Assert.Equal(3, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task GetAccessToken_WrongSecret_ReturnsErrCodeWithoutRetry()
    {
        var app = await NewAppAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).RespondWith(WeChatStub.ErrCode(40125, "invalid appsecret"));

        var token = await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        Assert.Equal(40125, token.ErrCode);
        Assert.Contains("rid:", token.ErrMsg);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
        Assert.Null(await Store.GetValidAsync(app.Id, CancellationToken.None));
    }

    [Fact]
    public async Task GetWxaCode_Expired40001Once_ExpiresOnlyThatTokenAndRetriesExactlyOnce()
    {
        var app = await NewAppAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("rotate").WillSetStateTo("second")
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = "OLD", expires_in = 7200 }));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("rotate").WhenStateIs("second")
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = "NEW", expires_in = 7200 }));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.UnlimitPath).WithParam("access_token", "OLD").UsingPost())
            .RespondWith(WeChatStub.ErrCode(40001, "invalid credential, access_token is invalid or not latest"));
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.UnlimitPath).WithParam("access_token", "NEW").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "image/jpeg").WithBody(WeChatStub.Png));

        var image = await Api.GetWxaCodeAsync(app, WxaCodeInterface.GetWxaCodeUnlimit, new JsonObject { ["scene"] = "a=1" }, CancellationToken.None);

        Assert.True(image.Succeeded);
        Assert.Equal("image/png", image.Value.ContentType); // the magic bytes win over the header
        Assert.Equal(WeChatStub.Png, image.Value.Bytes);
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.StableTokenPath));
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.UnlimitPath));
        Assert.Equal("NEW", (await Store.GetValidAsync(app.Id, CancellationToken.None))?.Token);
        Assert.Contains("\"scene\":\"a=1\"", fx.Stub.LogEntries.First(e => e.RequestMessage.Path == WeChatStub.UnlimitPath).RequestMessage.Body);
    }

    [Fact]
    public async Task GetWxaCode_40001Twice_DoesNotRetryASecondTime()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("DEAD");
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.UnlimitPath).UsingPost()).RespondWith(WeChatStub.ErrCode(42001, "access_token expired"));

        var image = await Api.GetWxaCodeAsync(app, WxaCodeInterface.GetWxaCodeUnlimit, new JsonObject { ["scene"] = "x" }, CancellationToken.None);

        Assert.Equal(42001, image.ErrCode);
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.UnlimitPath));
        Assert.Equal(2, fx.Stub.Calls(WeChatStub.StableTokenPath));
    }

    [Fact]
    public async Task ExpireIfCurrent_AnotherToken_LeavesTheStoredTokenAlone()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("CURRENT");
        await Api.GetAccessTokenAsync(app, false, CancellationToken.None);

        var expiredOther = await Store.ExpireIfCurrentAsync(app.Id, "SOMETHING-ELSE", CancellationToken.None);
        var stillThere = await Store.GetValidAsync(app.Id, CancellationToken.None);
        var expiredCurrent = await Store.ExpireIfCurrentAsync(app.Id, "CURRENT", CancellationToken.None);

        Assert.False(expiredOther);
        Assert.Equal("CURRENT", stillThere?.Token);
        Assert.True(expiredCurrent);
        Assert.Null(await Store.GetValidAsync(app.Id, CancellationToken.None));
    }

    [Fact]
    public async Task GetWxaCode_JsonErrcode_ReturnsErrCodeWithoutRetry()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("T");
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.UnlimitPath).UsingPost()).RespondWith(WeChatStub.ErrCode(40169, "invalid length for scene"));

        var image = await Api.GetWxaCodeAsync(app, WxaCodeInterface.GetWxaCodeUnlimit, new JsonObject { ["scene"] = new string('x', 40) }, CancellationToken.None);

        Assert.Equal(WeChatOutcome.ErrCode, image.Outcome);
        Assert.Equal(40169, image.ErrCode);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.UnlimitPath));
    }

    [Fact]
    public async Task GetWxaCode_JpegWithOctetStream_DetectedByMagicBytes()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("T");
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        fx.Stub.Given(Request.Create().WithPath("/wxa/getwxacode").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/octet-stream").WithBody(jpeg));

        var image = await Api.GetWxaCodeAsync(app, WxaCodeInterface.GetWxaCode, new JsonObject { ["path"] = "pages/index/index" }, CancellationToken.None);

        Assert.Equal("image/jpeg", image.Value?.ContentType);
    }

    [Fact]
    public async Task GetWxaCode_EmptyBody_IsTransportFailure()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("T");
        fx.Stub.Given(Request.Create().WithPath("/cgi-bin/wxaapp/createwxaqrcode").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        var image = await Api.GetWxaCodeAsync(app, WxaCodeInterface.CreateWxaQrCode, new JsonObject { ["path"] = "pages/index/index" }, CancellationToken.None);

        Assert.True(image.IsTransportFailure);
    }

    [Fact]
    public async Task GetAccessToken_ForceRefreshTwiceWithin30Seconds_SecondRefusedWithoutCallingWeChat()
    {
        var app = await NewAppAsync();
        fx.Stub.StableToken("FORCED");

        var first = await Api.GetAccessTokenAsync(app, true, CancellationToken.None);
        var second = await Api.GetAccessTokenAsync(app, true, CancellationToken.None);

        Assert.True(first.Succeeded);
        Assert.Contains("\"force_refresh\":true", fx.Stub.LogEntries.Single().RequestMessage.Body);
        Assert.Equal(WeChatErrCodes.DailyQuota, second.ErrCode);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.StableTokenPath));
        var status = (await Store.ListAsync(CancellationToken.None)).Single(s => s.AppRowId == app.Id);
        Assert.Equal(1, status.ForcedToday);
    }

    [Fact]
    public async Task Code2Session_InvalidCode_NotRetried()
    {
        var app = await NewAppAsync();
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet()).RespondWith(WeChatStub.ErrCode(40029, "invalid code"));

        var login = await Api.Code2SessionAsync(app, "bad-code", CancellationToken.None);

        Assert.Equal(40029, login.ErrCode);
        Assert.Equal(1, fx.Stub.Calls(WeChatStub.Code2SessionPath));
        var query = fx.Stub.LogEntries.Single().RequestMessage.Query!;
        Assert.Equal(app.AppId, query["appid"].Single());
        Assert.Equal("authorization_code", query["grant_type"].Single());
    }
}
