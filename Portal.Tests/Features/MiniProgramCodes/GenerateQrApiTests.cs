using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.MiniProgramCodes;

/// <summary>Seed 000 <c>POST /generate-qr</c> (family A) and the public image route, against the WeChat stub.</summary>
public sealed class GenerateQrApiTests(CodeApiFixture fx) : IClassFixture<CodeApiFixture>
{
    private const string Unlimited = "/wxa/getwxacodeunlimit";

    private static string Unique(string prefix = "s") => prefix + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task GenerateQr_WxcodeBWithQuery_ReturnsSeedShapeAndChargesTenFen()
    {
        var c = await fx.NewCallerAsync(100);
        var scene = Unique();

        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = $"pages/index/index?{scene}", type = "wxcode_b" });

        Assert.Equal(200, status);
        Assert.Equal(["code", "msg", "qrcode_url", "current_balance"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.Equal("0.90", body.GetProperty("current_balance").GetString());
        Assert.Matches("^https://codes\\.example\\.test/codes/[0-9A-Za-z]{22}$", body.GetProperty("qrcode_url").GetString());
        Assert.DoesNotContain("缓存", body.GetProperty("msg").GetString());
        var sent = fx.UpstreamBody(Unlimited, scene);
        Assert.Equal(scene, sent.GetProperty("scene").GetString());
        Assert.Equal("pages/index/index", sent.GetProperty("page").GetString());
        Assert.Equal((90L, 90L, 2), await fx.Factory.MoneyOfAsync(c.User.Id));
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task GenerateQr_SecondIdenticalRequest_MakesNoUpstreamCallAndIsBilled()
    {
        var c = await fx.NewCallerAsync(100);
        var scene = Unique();
        var request = new { appid = c.AppId, pagepath = "pages/a/b", type = "wxcode_b", scene };

        var (_, first) = await c.Client.PostJsonAsync("/generate-qr", request);
        var (status, second) = await c.Client.PostJsonAsync("/generate-qr", request);

        Assert.Equal(200, status);
        Assert.Equal(1, fx.Calls(Unlimited, scene));
        Assert.Contains("缓存", second.GetProperty("msg").GetString());
        Assert.Equal(first.GetProperty("qrcode_url").GetString(), second.GetProperty("qrcode_url").GetString());
        Assert.Equal("0.80", second.GetProperty("current_balance").GetString());
        Assert.Equal((80L, 80L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task GenerateQr_CachedImageOlderThanTtl_CallsWeChatAgain()
    {
        // Its own app on a fake clock: the cache is also held in memory, so only time passing can age an entry.
        using var factory = new FakeClockPortalFactory { Settings = { ["WeChat:ApiBaseUrl"] = fx.WeChat.Url, ["WeChat:BusyRetryDelay"] = "00:00:00" } };
        var user = await factory.CreateUserAsync(100);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));
        var appId = "wx" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16];
        await using (var scope = factory.Scope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<Portal.Features.WeChat.MiniProgramAppService>()
                .RegisterAsync(user.Id, appId, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "ttl")).Succeeded);
        var scene = Unique();
        var request = new { appid = appId, pagepath = "pages/ttl", type = "wxcode_b", scene };
        var (_, first) = await client.PostJsonAsync("/generate-qr", request);
        factory.Clock.Advance(TimeSpan.FromMinutes(59));
        var (_, cached) = await client.PostJsonAsync("/generate-qr", request);
        Assert.Equal(first.GetProperty("qrcode_url").GetString(), cached.GetProperty("qrcode_url").GetString());

        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, second) = await client.PostJsonAsync("/generate-qr", request);

        Assert.Equal(200, status);
        Assert.Equal(2, fx.Calls(Unlimited, scene));
        Assert.DoesNotContain("缓存", second.GetProperty("msg").GetString());
        Assert.NotEqual(first.GetProperty("qrcode_url").GetString(), second.GetProperty("qrcode_url").GetString());
        Assert.Equal("0.70", second.GetProperty("current_balance").GetString());
    }

    [Fact]
    public async Task GenerateQr_SameRequestByAnotherUser_IsNotServedFromTheirCache()
    {
        var a = await fx.NewCallerAsync(100);
        var b = await fx.NewCallerAsync(100, withApp: false);
        await using (var scope = fx.Factory.Scope())
        {
            // Both users registered the same AppID: the cache must still not hand b the image a paid for.
            var registered = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Portal.Features.WeChat.MiniProgramAppService>(scope.ServiceProvider)
                .RegisterAsync(b.User.Id, a.AppId, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "same app");
            Assert.True(registered.Succeeded);
        }
        var scene = Unique();
        await a.Client.PostJsonAsync("/generate-qr", new { appid = a.AppId, pagepath = "pages/x", type = "wxcode_b", scene });
        var (status, body) = await b.Client.PostJsonAsync("/generate-qr", new { appid = a.AppId, pagepath = "pages/x", type = "wxcode_b", scene });
        Assert.Equal(200, status);
        Assert.DoesNotContain("缓存", body.GetProperty("msg").GetString());
        Assert.Equal(2, fx.Calls(Unlimited, scene));
    }

    [Fact]
    public async Task GenerateQr_CacheIsPerRequest_DifferentWidthCallsWeChatAgain()
    {
        var c = await fx.NewCallerAsync(100);
        var scene = Unique();
        await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/a", type = "wxcode_b", scene });
        var (status, _) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/a", type = "wxcode_b", scene, width = 500 });
        Assert.Equal(200, status);
        Assert.Equal(2, fx.Calls(Unlimited, scene));
    }

    [Fact]
    public async Task GenerateQr_ImageUrl_ServesTheJpegWithLongLivedCaching()
    {
        var c = await fx.NewCallerAsync(100);
        var (_, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/x", type = "wxcode_b", scene = Unique() });
        var path = new Uri(body.GetProperty("qrcode_url").GetString()!).AbsolutePath;

        var anonymous = fx.Factory.ApiClient(null);
        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(CodeApiFixture.Jpeg, await response.Content.ReadAsByteArrayAsync());
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Public);
        Assert.Contains("immutable", response.Headers.GetValues("Cache-Control").Single());
        Assert.InRange(cache.MaxAge!.Value.TotalDays, 29, 30);
        Assert.NotNull(response.Headers.ETag);

        var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(conditional)).StatusCode);
    }

    [Theory]
    [InlineData("/codes/AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/codes/short")]
    public async Task ServeImage_UnknownId_Returns404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Factory.ApiClient(null).GetAsync(path)).StatusCode);

    [Fact]
    public async Task GenerateQr_WxcodeBWithoutSceneOrQuery_Returns400ExplainingWhereTheSceneGoes()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/index/index", type = "wxcode_b" });
        Assert.Equal(400, status);
        Assert.Contains("scene", body.GetProperty("msg").GetString());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryCodeRoute()
    {
        var text = await fx.Factory.ApiClient(null).GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/generate-qr", "/api/h5/qrcode/generate", "/api/h5/qrcode/generate-base64", "/wx/mini/v1/{appId}/{secret}/qrcode/unlimited", "/codes/{publicId}" })
            Assert.Contains($"\"{route}\"", text);
    }

    [Theory]
    [InlineData("/codes/generate")]
    [InlineData("/codes")]
    public async Task Pages_Anonymous_AreRoutedToThePagesNotTheImageRoute(string path)
    {
        var response = await fx.Factory.ApiClient(null).GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task GenerateQr_Wxcode_CallsGetWxaCodeWithPathAndQuery()
    {
        var c = await fx.NewCallerAsync(100);
        var marker = Unique("q");
        var (status, _) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = $"/pages/detail/detail?id={marker}", type = "wxcode" });
        Assert.Equal(200, status);
        var sent = fx.UpstreamBody("/wxa/getwxacode", marker);
        Assert.Equal($"pages/detail/detail?id={marker}", sent.GetProperty("path").GetString());
        Assert.False(sent.TryGetProperty("scene", out _));
    }

    [Theory]
    [InlineData("qrcode")]
    [InlineData("wxcode_c")]
    public async Task GenerateQr_SquareTypes_CallCreateWxaQrCodeWithPathAndWidthOnly(string type)
    {
        var c = await fx.NewCallerAsync(100);
        var marker = Unique("q");
        var (status, _) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = $"pages/a?k={marker}", type });
        Assert.Equal(200, status);
        var sent = fx.UpstreamBody("/cgi-bin/wxaapp/createwxaqrcode", marker);
        Assert.Equal(["path", "width"], sent.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("wxcode_z")]
    [InlineData("mpshortlink")]
    public async Task GenerateQr_UnknownType_Returns400AndBalanceUnchanged(string type)
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/a", type });
        Assert.Equal(400, status);
        Assert.Equal(["code", "msg", "current_balance"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.00", body.GetProperty("current_balance").GetString());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    public static TheoryData<string> BadBodies => new()
    {
        """{"pagepath":"pages/a","type":"wxcode"}""",
        """{"appid":"wx0000000000000000","type":"wxcode"}""",
        """{"appid":"wx0000000000000000","pagepath":"pages/a"}""",
        """{"appid":"APPID","pagepath":"pages/a","type":"wxcode_b"}""",
        """{"appid":"APPID","pagepath":"pages/a?中文","type":"wxcode_b"}""",
        """{"appid":"APPID","pagepath":"pages/a?scancode_time=1","type":"wxcode"}""",
        """{"appid":"APPID","pagepath":"pages/a","type":"wxcode_b","scene":"x","width":5000}""",
        """{"appid":"APPID","pagepath":"pages/a","type":"wxcode_b","scene":"x","width":"big"}""",
        """{"appid":"APPID","pagepath":5,"type":"wxcode"}""",
        """not json""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task GenerateQr_InvalidBody_Returns400WithoutDebitOrUpstreamCall(string json)
    {
        var c = await fx.NewCallerAsync(100);
        var before = fx.WeChat.LogEntries.Count(e => e.RequestMessage.Path != "/cgi-bin/stable_token");
        var response = await c.Client.PostAsync("/generate-qr", new StringContent(json.Replace("APPID", c.AppId), System.Text.Encoding.UTF8, "application/json"));
        var body = await response.ReadJsonAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(400, body.GetProperty("code").GetInt32());
        Assert.Equal("1.00", body.GetProperty("current_balance").GetString());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
        Assert.Equal(before, fx.WeChat.LogEntries.Count(e => e.RequestMessage.Path != "/cgi-bin/stable_token"));
    }

    [Fact]
    public async Task GenerateQr_AppIdOfAnotherUser_Returns400AndBalanceUnchanged()
    {
        var owner = await fx.NewCallerAsync(100);
        var other = await fx.NewCallerAsync(100);
        var (status, body) = await other.Client.PostJsonAsync("/generate-qr", new { appid = owner.AppId, pagepath = "pages/a", type = "wxcode" });
        Assert.Equal(400, status);
        Assert.Contains(owner.AppId, body.GetProperty("msg").GetString());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(other.User.Id));
    }

    [Fact]
    public async Task GenerateQr_WeChatErrcode_Returns502WithDetailAndRefunds()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/missing", type = "wxcode_b", scene = Unique(CodeApiFixture.Err41030) });

        Assert.Equal(502, status);
        Assert.Equal(["code", "msg", "detail", "current_balance"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(502, body.GetProperty("code").GetInt32());
        Assert.Equal(41030, body.GetProperty("detail").GetProperty("errcode").GetInt32());
        Assert.StartsWith("invalid page", body.GetProperty("detail").GetProperty("errmsg").GetString());
        Assert.Equal("1.00", body.GetProperty("current_balance").GetString());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id)); // funding, debit, refund
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task GenerateQr_WeChatSceneErrcode40169_Returns502AndRefunds()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = $"pages/a?{Unique(CodeApiFixture.Err40169)}", type = "wxcode_b" });
        Assert.Equal(502, status);
        Assert.Equal(40169, body.GetProperty("detail").GetProperty("errcode").GetInt32());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task GenerateQr_TransportFailure_Returns500AndRefunds()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = $"pages/a?{Unique(CodeApiFixture.Broken)}", type = "wxcode_b" });
        Assert.Equal(500, status);
        Assert.Equal(["code", "msg", "current_balance"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.00", body.GetProperty("current_balance").GetString());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task GenerateQr_BalanceBelowPrice_Returns402WithoutUpstreamCall()
    {
        var c = await fx.NewCallerAsync(5);
        var scene = Unique();
        var (status, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/a", type = "wxcode_b", scene });
        Assert.Equal(402, status);
        Assert.Equal("0.05", body.GetProperty("current_balance").GetString());
        Assert.Equal(0, fx.Calls(Unlimited, scene));
        Assert.Equal((5L, 5L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task GenerateQr_NoToken_Returns401InFamilyA()
    {
        var (status, body) = await fx.Factory.ApiClient(null).PostJsonAsync("/generate-qr", new { appid = "wx0000000000000000", pagepath = "pages/a", type = "wxcode" });
        Assert.Equal(401, status);
        Assert.Equal(["code", "msg"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(401, body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task PurgeExpired_ImagePastRetention_IsDeletedAndNoLongerServed()
    {
        var c = await fx.NewCallerAsync(100);
        var (_, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/p", type = "wxcode_b", scene = Unique() });
        var publicId = new Uri(body.GetProperty("qrcode_url").GetString()!).AbsolutePath["/codes/".Length..];
        await using (var db = await fx.Factory.DbAsync())
        {
            var image = db.MiniProgramCodeImages.Single(i => i.PublicId == publicId);
            db.Entry(image).Property(i => i.ExpiresAt).CurrentValue = DateTimeOffset.UtcNow.AddSeconds(-1);
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Factory.ApiClient(null).GetAsync("/codes/" + publicId)).StatusCode);

        await using var scope = fx.Factory.Scope();
        var deleted = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Portal.Features.MiniProgramCodes.PurgeExpiredCodeImagesJob>(scope.ServiceProvider).RunAsync(CancellationToken.None);
        Assert.True(deleted >= 1);
        await using var check = await fx.Factory.DbAsync();
        Assert.False(check.MiniProgramCodeImages.Any(i => i.PublicId == publicId));
    }
}
