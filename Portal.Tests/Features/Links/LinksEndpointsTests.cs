using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Features.Links;

/// <summary>Seed 002 routes over the real HTTP stack: success shapes exactly as the seed, every error in family A's envelope.</summary>
[Trait("Category", TestCategories.Money)]
public sealed partial class LinksEndpointsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string AppId = "wx6b698b0251caccff";
    private const string ShortLinkMsg = "短链生成成功，费用已扣除";
    private const string MiniProgramMsg = "小程序短链生成成功，费用已扣除";
    private const string DecodeMsg = "短链解码成功，费用已扣除";

    private async Task<(TestUser User, IssuedApiToken Token, HttpClient Client)> CallerAsync(long balanceFen)
    {
        var user = await factory.CreateUserAsync(balanceFen);
        var token = await factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "test", null);
        return (user, token, factory.ApiClient(token.Secret));
    }

    private async Task AssertMoneyAsync(TestUser user, long balance, int entries)
    {
        Assert.Equal((balance, balance, entries), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }

    // ---- POST /generate-shortlink (seed 002 §3) ----

    [Fact]
    public async Task GenerateShortLink_ValidUrl_SeedShapeAndOneSucceededCharge()
    {
        var (user, token, client) = await CallerAsync(100);

        var response = await client.PostAsync("/generate-shortlink", new { longUrl = "https://www.google.com/search?q=gemini" });

        IsSuccess(response, ShortLinkMsg, "0.90", "short_url");
        var shortUrl = response.Body.GetProperty("short_url").GetString()!;
        Assert.Matches(ShortUrlPattern(), shortUrl);
        await AssertMoneyAsync(user, 90, 2);
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Succeeded, charge.Status);
        Assert.Equal(BillableProducts.ShortLinkCreate, charge.Product);
        Assert.Equal(10, charge.PriceFen);
        Assert.Equal(response.RequestId, charge.RequestId);
        Assert.Equal(token.Token.Id, charge.ApiTokenId);
        Assert.Equal(response.RequestId, Assert.Single(await factory.LedgerOfAsync(user.Id), e => e.Kind == LedgerEntryKind.Charge).RequestId);
    }

    [Fact]
    public async Task GenerateShortLink_ThenVisit_302ToTargetAndVisitsCounted()
    {
        var (user, _, client) = await CallerAsync(100);
        const string target = "https://example.com/a/b?x=1&y=%E4%B8%AD";
        var created = await client.PostAsync("/generate-shortlink", new { longUrl = target });
        IsSuccess(created, ShortLinkMsg, "0.90", "short_url");
        var path = new Uri(created.Body.GetProperty("short_url").GetString()!).AbsolutePath;

        var anonymous = factory.ApiClient(null);
        var first = await anonymous.GetAsync(path);
        var second = await anonymous.GetAsync(path);

        Assert.Equal(302, (int)first.StatusCode);
        Assert.Equal(target, first.Headers.Location?.OriginalString);
        Assert.Equal(302, (int)second.StatusCode);
        Assert.NotEmpty(first.Headers.GetValues("X-Request-Id"));
        await factory.FlushCountersAsync();
        await using var db = await factory.DbAsync();
        var link = await db.ShortLinks.AsNoTracking().SingleAsync(l => l.UserId == user.Id);
        Assert.Equal(2, link.VisitCount);
        Assert.NotNull(link.LastVisitedAt);
        await AssertMoneyAsync(user, 90, 2); // visits are free
    }

    [Theory]
    [InlineData("/s/zzzzzzz")]
    [InlineData("/s/short")]
    [InlineData("/s/has-dash")]
    public async Task VisitShortLink_UnknownCode_404HtmlPage(string path)
    {
        var response = await factory.ApiClient(null).GetAsync(path);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("短链不存在", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string> BadShortLinkBodies => new()
    {
        { "{}", "application/json" },                                          // missing field
        { "{\"longUrl\":null}", "application/json" },                          // null
        { "{\"longUrl\":\"   \"}", "application/json" },                       // blank
        { "{\"longUrl\":123}", "application/json" },                           // wrong type
        { "{\"longUrl\":[\"https://a.example\"]}", "application/json" },       // wrong type
        { "{\"longUrl\":", "application/json" },                               // invalid JSON
        { "not json at all", "application/json" },                            // invalid JSON
        { "", "application/json" },                                            // empty body
        { "[\"https://a.example\"]", "application/json" },                     // not an object
        { "{\"longUrl\":\"https://a.example\"}", "text/plain" },               // wrong Content-Type
        { "longUrl=https%3A%2F%2Fa.example", "application/x-www-form-urlencoded" },
        { "{\"longUrl\":\"not a url\"}", "application/json" },                 // bad URL
        { "{\"longUrl\":\"/relative/path\"}", "application/json" },
        { "{\"longUrl\":\"ftp://files.example.com/a\"}", "application/json" },
        { "{\"longUrl\":\"javascript:alert(1)\"}", "application/json" },      // javascript:
        { "{\"longUrl\":\"JavaScript:alert(document.cookie)//https://x\"}", "application/json" },
        { "{\"longUrl\":\"data:text/html,<script>alert(1)</script>\"}", "application/json" },
        { "{\"longUrl\":\"http://localhost/s/abcdefg\"}", "application/json" }, // Portal's own /s/ link
        { "{\"longUrl\":\"HTTP://LOCALHOST/s/abcdefg?x=1\"}", "application/json" },
        { "{\"longUrl\":\"https://a.example/" + new string('a', 2049) + "\"}", "application/json" }, // too long
    };

    [Theory]
    [MemberData(nameof(BadShortLinkBodies))]
    public async Task GenerateShortLink_BadRequest_400WithBalanceAndNoDebit(string body, string contentType)
    {
        var (user, _, client) = await CallerAsync(100);

        var response = await client.PostRawAsync("/generate-shortlink", body, contentType);

        IsError(response, 400, "1.00");
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 100, 1);
    }

    [Theory]
    [MemberData(nameof(BilledRoutes))]
    public async Task BilledRoute_NoContentTypeHeader_400InEnvelope(string route)
    {
        var (user, _, client) = await CallerAsync(100);

        var message = await client.PostAsync(route, new ByteArrayContent("{\"longUrl\":\"https://a.example\"}"u8.ToArray()));
        var response = new ApiResponse((int)message.StatusCode, await message.ReadJsonAsync(), message);

        IsError(response, 400, "1.00");
        await AssertMoneyAsync(user, 100, 1);
    }

    [Fact]
    public async Task GenerateShortLink_BalanceBelowPrice_402WithBalanceAndNothingWritten()
    {
        var (user, _, client) = await CallerAsync(9);

        var response = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        IsError(response, 402, "0.09");
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 9, 1);
        await using var db = await factory.DbAsync();
        Assert.False(await db.ShortLinks.AnyAsync(l => l.UserId == user.Id));
    }

    [Fact]
    public async Task GenerateShortLink_InvalidBodyAndNoToken_401BeforeValidation()
    {
        var response = await factory.ApiClient(null).PostRawAsync("/generate-shortlink", "{", "text/plain");

        IsError(response, 401, null);
    }

    // ---- POST /generate-miniprogram-link (seed 002 §1) ----

    [Fact]
    public async Task GenerateMiniProgramLink_Valid_SeedShapeMpLinkAndOneSucceededCharge()
    {
        var (user, token, client) = await CallerAsync(2000);

        var response = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });

        IsSuccess(response, MiniProgramMsg, "19.90", "miniprogram_link");
        Assert.Matches(MpLinkPattern(), response.Body.GetProperty("miniprogram_link").GetString()!);
        var charge = Assert.Single(await factory.ChargesOfAsync(user.Id));
        Assert.Equal(ChargeStatus.Succeeded, charge.Status);
        Assert.Equal(BillableProducts.MiniProgramLinkCreate, charge.Product);
        Assert.Equal(response.RequestId, charge.RequestId);
        Assert.Equal(token.Token.Id, charge.ApiTokenId);
        await AssertMoneyAsync(user, 1990, 2);
    }

    public static TheoryData<string, string> BadMiniProgramBodies => new()
    {
        { "{\"pagepath\":\"pages/index/index\"}", "application/json" },                        // missing appid
        { "{\"appid\":\"" + AppId + "\"}", "application/json" },                                // missing pagepath
        { "{\"appid\":123,\"pagepath\":\"pages/index/index\"}", "application/json" },          // wrong type
        { "{\"appid\":\"" + AppId + "\",\"pagepath\":{\"p\":1}}", "application/json" },        // wrong type
        { "{\"appid\":\"wx123\",\"pagepath\":\"pages/index/index\"}", "application/json" },    // bad appid
        { "{\"appid\":\"WX6B698B0251CACCFF\",\"pagepath\":\"pages/index/index\"}", "application/json" },
        { "{\"appid\":\"" + AppId + "\",\"pagepath\":\"pages/a b\"}", "application/json" },    // whitespace in page
        { "{\"appid\":\"" + AppId + "\",\"pagepath\":\"?x=1\"}", "application/json" },         // no page
        { "{\"appid\":\"" + AppId + "\",\"pagepath\":\"" + new string('p', 1025) + "\"}", "application/json" },
        { "{\"appid\":\"" + AppId + "\",", "application/json" },                                // invalid JSON
        { "{\"appid\":\"" + AppId + "\",\"pagepath\":\"pages/index/index\"}", "text/plain" },  // wrong Content-Type
    };

    [Theory]
    [MemberData(nameof(BadMiniProgramBodies))]
    public async Task GenerateMiniProgramLink_BadRequest_400WithBalanceAndNoDebit(string body, string contentType)
    {
        var (user, _, client) = await CallerAsync(100);

        var response = await client.PostRawAsync("/generate-miniprogram-link", body, contentType);

        IsError(response, 400, "1.00");
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 100, 1);
    }

    [Fact]
    public async Task GenerateMiniProgramLink_BalanceBelowPrice_402AndNothingWritten()
    {
        var (user, _, client) = await CallerAsync(0);

        var response = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });

        IsError(response, 402, "0.00");
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 0, 0);
    }

    [Fact]
    public async Task OpenMiniProgramLink_WithQuery_HtmlWithEncodedWeixinScheme()
    {
        var (_, _, client) = await CallerAsync(100);
        var created = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "/pages/detail/index?id=42&from=share" });
        IsSuccess(created, MiniProgramMsg, "0.90", "miniprogram_link");
        var code = created.Body.GetProperty("miniprogram_link").GetString()!["mp://".Length..];

        var response = await factory.ApiClient(null).GetAsync("/m/" + code);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var href = System.Net.WebUtility.HtmlDecode(Assert.Single(OpenHref().Matches(html)).Groups[1].Value);
        Assert.StartsWith("weixin://dl/business/?", href, StringComparison.Ordinal);
        Assert.Contains("query=id%3D42%26from%3Dshare", href, StringComparison.Ordinal);
        var parameters = href["weixin://dl/business/?".Length..].Split('&')
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(["appid", "path", "query"], parameters.Keys.Order());
        Assert.Equal(AppId, parameters["appid"]);
        Assert.Equal("pages/detail/index", parameters["path"]);
        Assert.Equal("id=42&from=share", parameters["query"]);
        await factory.FlushCountersAsync();
        await using var db = await factory.DbAsync();
        Assert.Equal(1, (await db.MiniProgramLinks.AsNoTracking().SingleAsync(l => l.Code == code)).VisitCount);
    }

    [Fact]
    public async Task OpenMiniProgramLink_WithoutQuery_SchemeHasNoQueryParameter()
    {
        var (_, _, client) = await CallerAsync(100);
        var created = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });
        var code = created.Body.GetProperty("miniprogram_link").GetString()!["mp://".Length..];

        var html = await (await factory.ApiClient(null).GetAsync("/m/" + code)).Content.ReadAsStringAsync();

        var href = System.Net.WebUtility.HtmlDecode(Assert.Single(OpenHref().Matches(html)).Groups[1].Value);
        Assert.Equal($"weixin://dl/business/?appid={AppId}&path=pages%2Findex%2Findex", href);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", false)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", false)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", true)]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", true)]
    [InlineData("Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", true)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090a13) XWEB/9129 Flue", true)]
    public async Task OpenMiniProgramLink_AutoOpensOnlyOnPhonesAndInWeChat_DesktopGetsTheQrCodeToScan(string? userAgent, bool autoOpens)
    {
        var (_, _, client) = await CallerAsync(100);
        var created = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });
        var code = created.Body.GetProperty("miniprogram_link").GetString()!["mp://".Length..];
        var visitor = factory.ApiClient(null);
        if (userAgent is not null) visitor.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);

        var response = await visitor.GetAsync("/m/" + code);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("User-Agent", response.Headers.Vary);
        Assert.Equal(autoOpens, html.Contains("location.href", StringComparison.Ordinal));
        Assert.Equal(!autoOpens, html.Contains("用微信扫一扫", StringComparison.Ordinal));
        Assert.Equal(!autoOpens, html.Contains("<img alt=\"用微信扫码打开", StringComparison.Ordinal));
        // Either way the scheme stays one tap away.
        Assert.StartsWith("weixin://dl/business/?", System.Net.WebUtility.HtmlDecode(Assert.Single(OpenHref().Matches(html)).Groups[1].Value), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/m/AAAAAAAAAAAAAAA")]
    [InlineData("/m/short")]
    public async Task OpenMiniProgramLink_Unknown_404HtmlPage(string path)
    {
        var response = await factory.ApiClient(null).GetAsync(path);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("链接不存在", await response.Content.ReadAsStringAsync());
    }

    // ---- POST /decode-link (seed 002 §2) ----

    [Fact]
    public async Task DecodeLink_OwnLink_SeedShapeAndSecondDebit()
    {
        var (user, _, client) = await CallerAsync(2000);
        var created = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index?a=1" });
        var link = created.Body.GetProperty("miniprogram_link").GetString()!;

        var response = await client.PostAsync("/decode-link", new { link });

        IsSuccess(response, DecodeMsg, "19.80", "appid", "page");
        Assert.Equal(AppId, response.Body.GetProperty("appid").GetString());
        Assert.Equal("pages/index/index?a=1", response.Body.GetProperty("page").GetString());
        var charges = await factory.ChargesOfAsync(user.Id);
        Assert.Equal(2, charges.Count);
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.Equal(response.RequestId, Assert.Single(charges, c => c.Product == BillableProducts.MiniProgramLinkDecode).RequestId);
        await AssertMoneyAsync(user, 1980, 3);
    }

    [Fact]
    public async Task DecodeLink_AnotherUsersLink_404AsIfUnknownAndNoDebit()
    {
        var (_, _, owner) = await CallerAsync(100);
        var created = await owner.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });
        var link = created.Body.GetProperty("miniprogram_link").GetString()!;
        var (stranger, _, client) = await CallerAsync(100);

        var response = await client.PostAsync("/decode-link", new { link });

        IsError(response, 404, "1.00");
        Assert.DoesNotContain(AppId, response.Body.ToString());
        Assert.Empty(await factory.ChargesOfAsync(stranger.Id));
        await AssertMoneyAsync(stranger, 100, 1);
    }

    [Theory]
    [InlineData("mp://AAAAAAAAAAAAAAA")]
    [InlineData("mp://short")]
    [InlineData("https://example.com/")]
    [InlineData("AAAAAAAAAAAAAAA")]
    public async Task DecodeLink_UnknownOrNotMpLink_404AndNoDebit(string link)
    {
        var (user, _, client) = await CallerAsync(100);

        var response = await client.PostAsync("/decode-link", new { link });

        IsError(response, 404, "1.00");
        Assert.Empty(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 100, 1);
    }

    [Theory]
    [InlineData("{}", "application/json")]
    [InlineData("{\"link\":42}", "application/json")]
    [InlineData("{\"link\":\"\"}", "application/json")]
    [InlineData("{\"link\"", "application/json")]
    [InlineData("{\"link\":\"mp://AAAAAAAAAAAAAAA\"}", "text/plain")]
    public async Task DecodeLink_BadRequest_400AndNoDebit(string body, string contentType)
    {
        var (user, _, client) = await CallerAsync(100);

        var response = await client.PostRawAsync("/decode-link", body, contentType);

        IsError(response, 400, "1.00");
        await AssertMoneyAsync(user, 100, 1);
    }

    [Fact]
    public async Task DecodeLink_OwnLinkButBalanceBelowPrice_402AndNothingWritten()
    {
        var (user, _, client) = await CallerAsync(10);
        var created = await client.PostAsync("/generate-miniprogram-link", new { appid = AppId, pagepath = "pages/index/index" });
        IsSuccess(created, MiniProgramMsg, "0.00", "miniprogram_link");

        var response = await client.PostAsync("/decode-link", new { link = created.Body.GetProperty("miniprogram_link").GetString() });

        IsError(response, 402, "0.00");
        Assert.Single(await factory.ChargesOfAsync(user.Id));
        await AssertMoneyAsync(user, 0, 2);
    }

    // ---- Authentication (seed 002 "认证"; docs/api.md: 401 {code,msg}) ----

    public static TheoryData<string> BilledRoutes => new() { "/generate-shortlink", "/generate-miniprogram-link", "/decode-link" };

    [Theory]
    [MemberData(nameof(BilledRoutes))]
    public async Task BilledRoute_NoAuthorizationHeader_401WithoutBalance(string route)
    {
        var response = await factory.ApiClient(null).PostAsync(route, new { longUrl = "https://example.com/" });

        IsError(response, 401, null);
    }

    [Theory]
    [InlineData("SECRET_TEST_TOKEN_12345")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("wxp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA000000")]
    public async Task BilledRoute_GarbageToken_401WithoutBalance(string header)
    {
        var client = factory.ApiClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        var response = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        IsError(response, 401, null);
    }

    [Fact]
    public async Task BilledRoute_WellFormedButUnknownToken_401()
    {
        var response = await factory.ApiClient(UnknownWellFormedToken()).PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        IsError(response, 401, null);
    }

    [Fact]
    public async Task BilledRoute_RevokedToken_401AndNoDebit()
    {
        var (user, token, client) = await CallerAsync(100);
        Assert.True(await factory.Services.GetRequiredService<ApiTokenService>().RevokeAsync(user.Id, token.Token.Id));

        var response = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        IsError(response, 401, null);
        await AssertMoneyAsync(user, 100, 1);
    }

    [Fact]
    public async Task BilledRoute_ExpiredToken_401AndNoDebit()
    {
        var user = await factory.CreateUserAsync(100);
        var tokens = factory.Services.GetRequiredService<ApiTokenService>();
        var token = await tokens.IssueAsync(user.Id, "short-lived", DateTimeOffset.UtcNow.AddHours(1));
        await using (var db = await factory.DbAsync())
        {
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            Assert.Equal(1, await db.ApiTokens.Where(t => t.Id == token.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, past)));
        }

        var response = await factory.ApiClient(token.Secret).PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        IsError(response, 401, null);
        await AssertMoneyAsync(user, 100, 1);
    }

    [Fact]
    public async Task BilledRoute_AnotherUsersRevokedTokenStillRevoked_RevokeByStrangerFails()
    {
        var (owner, token, client) = await CallerAsync(100);
        var stranger = await factory.CreateUserAsync();

        Assert.False(await factory.Services.GetRequiredService<ApiTokenService>().RevokeAsync(stranger.Id, token.Token.Id));

        IsSuccess(await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" }), ShortLinkMsg, "0.90", "short_url");
        await AssertMoneyAsync(owner, 90, 2);
    }

    [Fact]
    public async Task BilledRoute_BearerAndBareForms_BothAccepted()
    {
        var (user, token, bearer) = await CallerAsync(100);
        var bare = factory.BareTokenClient(token.Secret);
        var lowerBearer = factory.ApiClient(null);
        lowerBearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + token.Secret);

        IsSuccess(await bearer.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/1" }), ShortLinkMsg, "0.90", "short_url");
        IsSuccess(await bare.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/2" }), ShortLinkMsg, "0.80", "short_url");
        IsSuccess(await lowerBearer.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/3" }), ShortLinkMsg, "0.70", "short_url");

        await AssertMoneyAsync(user, 70, 4);
    }

    [Fact]
    public async Task BilledRoute_SuccessfulCall_RecordsTokenLastUse()
    {
        var (_, token, client) = await CallerAsync(100);

        IsSuccess(await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" }), ShortLinkMsg, "0.90", "short_url");

        await factory.FlushCountersAsync();
        await using var db = await factory.DbAsync();
        Assert.NotNull((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == token.Token.Id)).LastUsedAt);
    }

    [Fact]
    public async Task Responses_EveryKind_CarryDistinctRequestIds()
    {
        var (_, _, client) = await CallerAsync(10);
        var ok = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });
        var poor = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });
        var bad = await client.PostRawAsync("/generate-shortlink", "{");
        var anonymous = await factory.ApiClient(null).PostAsync("/generate-shortlink", new { longUrl = "https://example.com/" });

        var ids = new[] { ok.RequestId, poor.RequestId, bad.RequestId, anonymous.RequestId };
        Assert.Equal([200, 402, 400, 401], new[] { ok.Status, poor.Status, bad.Status, anonymous.Status });
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(4, ids.Distinct().Count());
    }

    [GeneratedRegex(@"^http://localhost/s/[0-9A-Za-z]{7}$")]
    private static partial Regex ShortUrlPattern();

    [GeneratedRegex(@"^mp://[0-9A-Za-z]{15}$")]
    private static partial Regex MpLinkPattern();

    [GeneratedRegex("<a [^>]*id=\"open\" href=\"([^\"]*)\"")]
    private static partial Regex OpenHref();
}
