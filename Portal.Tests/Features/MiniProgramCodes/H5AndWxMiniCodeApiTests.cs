using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.MiniProgramCodes;

/// <summary>Seed 001 <c>/api/h5/qrcode/*</c> (family B) and seed 003 <c>qrcode/unlimited</c> (family C) against the WeChat stub.</summary>
public sealed class H5AndWxMiniCodeApiTests(CodeApiFixture fx) : IClassFixture<CodeApiFixture>
{
    private const string Unlimited = "/wxa/getwxacodeunlimit";
    private const string TimestampPattern = @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$";

    private static string Unique(string prefix = "s") => prefix + Guid.NewGuid().ToString("N")[..10];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task H5Generate_Transparent_ReturnsPngBytesWithSeedHeaders()
    {
        var c = await fx.NewCallerAsync(100);
        var marker = Unique("x")[..8];
        var scene = "coachId=456&t=" + marker;

        var response = await c.Client.PostAsJsonAsync("/api/h5/qrcode/generate", new { scene, page = "pages/coach/profile", width = 300, is_hyaline = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(CodeApiFixture.Png.Length, response.Content.Headers.ContentLength);
        Assert.Equal("public, max-age=3600", response.Headers.GetValues("Cache-Control").Single());
        Assert.Equal($"inline; filename=\"qrcode_{scene.Replace('=', '_').Replace('&', '_')}.png\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(CodeApiFixture.Png, await response.Content.ReadAsByteArrayAsync());
        var sent = fx.UpstreamBody(Unlimited, marker);
        Assert.Equal(scene, sent.GetProperty("scene").GetString());
        Assert.True(sent.GetProperty("is_hyaline").GetBoolean());
        Assert.Equal(300, sent.GetProperty("width").GetInt32());
        Assert.Equal((90L, 90L, 2), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task H5Generate_NotTransparent_ReturnsJpegOfTheActualImage()
    {
        var c = await fx.NewCallerAsync(100);
        var response = await c.Client.PostAsJsonAsync("/api/h5/qrcode/generate", new { scene = Unique() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(CodeApiFixture.Jpeg, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task H5Base64_Success_ReturnsSeedShapeAndDefaultPage()
    {
        var c = await fx.NewCallerAsync(100);
        var scene = Unique();

        var (status, body) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene, width = 500, auto_color = true });

        Assert.Equal(200, status);
        Assert.Equal(["success", "code", "message", "data", "timestamp"], body.EnumerateObject().Select(p => p.Name));
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.Equal("生成小程序码成功", body.GetProperty("message").GetString());
        Assert.Matches(TimestampPattern, body.GetProperty("timestamp").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(["qrcode", "base64", "size", "scene", "page", "width"], data.EnumerateObject().Select(p => p.Name));
        var base64 = Convert.ToBase64String(CodeApiFixture.Jpeg);
        Assert.Equal(base64, data.GetProperty("base64").GetString());
        Assert.Equal("data:image/jpeg;base64," + base64, data.GetProperty("qrcode").GetString());
        Assert.Equal(CodeApiFixture.Jpeg.Length, data.GetProperty("size").GetInt32());
        Assert.Equal(scene, data.GetProperty("scene").GetString());
        Assert.Equal("pages/index/index", data.GetProperty("page").GetString());
        Assert.Equal(500, data.GetProperty("width").GetInt32());
        Assert.True(fx.UpstreamBody(Unlimited, scene).GetProperty("auto_color").GetBoolean());
    }

    [Fact]
    public async Task H5Base64_SecondIdenticalRequest_UsesCacheAndIsBilled()
    {
        var c = await fx.NewCallerAsync(100);
        var scene = Unique();
        await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene });
        var (status, _) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene });
        Assert.Equal(200, status);
        Assert.Equal(1, fx.Calls(Unlimited, scene));
        Assert.Equal((80L, 80L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    public static TheoryData<string> BadH5Bodies => new()
    {
        """{}""",
        """{"scene":""}""",
        """{"scene":"123456789012345678901234567890123"}""",
        """{"scene":"中文"}""",
        """{"scene":"a","page":"/pages/index/index"}""",
        """{"scene":"a","page":"pages/index/index?x=1"}""",
        """{"scene":"a","width":100}""",
        """{"scene":"a","width":"430"}""",
        """{"scene":"a","is_hyaline":"true"}""",
        """{"scene":"a","line_color":{"r":300,"g":0,"b":0}}""",
        """{"scene":"a","env_version":"beta"}""",
        """{"scene":"a","appid":"wx0000000000000000"}""",
        """[1,2]""",
    };

    [Theory]
    [MemberData(nameof(BadH5Bodies))]
    public async Task H5Generate_InvalidBody_Returns400InFamilyBWithoutDebit(string json)
    {
        var c = await fx.NewCallerAsync(100);
        var response = await c.Client.PostAsync("/api/h5/qrcode/generate", Json(json));
        var body = await response.ReadJsonAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(["success", "message", "code", "timestamp"], body.EnumerateObject().Select(p => p.Name));
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(400, body.GetProperty("code").GetInt32());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task H5Generate_NoRegisteredApp_Returns400WithoutDebit()
    {
        var c = await fx.NewCallerAsync(100, withApp: false);
        var (status, body) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = "a" });
        Assert.Equal(400, status);
        Assert.Contains("默认小程序", body.GetProperty("message").GetString());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task H5Generate_ExplicitOwnAppId_IsUsed()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, _) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = Unique(), appid = c.AppId });
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task H5Generate_NoToken_Returns401InFamilyB()
    {
        var response = await fx.Factory.ApiClient(null).PostAsJsonAsync("/api/h5/qrcode/generate", new { scene = "a" });
        var body = await response.ReadJsonAsync();
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(["success", "message", "code", "timestamp"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(401, body.GetProperty("code").GetInt32());
        Assert.Matches(TimestampPattern, body.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task H5Generate_BalanceBelowPrice_Returns402()
    {
        var c = await fx.NewCallerAsync(9);
        var (status, body) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = "a" });
        Assert.Equal(402, status);
        Assert.Equal(402, body.GetProperty("code").GetInt32());
        Assert.Equal((9L, 9L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task H5Generate_WeChatErrcode_Returns502NamingTheErrcodeAndRefunds()
    {
        var c = await fx.NewCallerAsync(100);
        var response = await c.Client.PostAsJsonAsync("/api/h5/qrcode/generate", new { scene = Unique(CodeApiFixture.Err40169) });
        var body = await response.ReadJsonAsync();
        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal(502, body.GetProperty("code").GetInt32());
        Assert.Contains("40169", body.GetProperty("message").GetString());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task H5Generate_TransportFailure_Returns500AndRefunds()
    {
        var c = await fx.NewCallerAsync(100);
        var (status, body) = await c.Client.PostJsonAsync("/api/h5/qrcode/generate-base64", new { scene = Unique(CodeApiFixture.Broken) });
        Assert.Equal(500, status);
        Assert.Equal(500, body.GetProperty("code").GetInt32());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    private async Task<(Caller Caller, string Secret)> NewWxMiniCallerAsync(long balanceFen = 100)
    {
        var c = await fx.NewCallerAsync(balanceFen, withApp: false);
        var secret = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        await using var scope = fx.Factory.Scope();
        var registered = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Portal.Features.WeChat.MiniProgramAppService>(scope.ServiceProvider).RegisterAsync(c.User.Id, c.AppId, secret, "Seed 003 app");
        Assert.True(registered.Succeeded);
        return (c, secret);
    }

    [Fact]
    public async Task WxMiniUnlimited_Success_ReturnsPlainBase64WithLineColorString()
    {
        var (c, secret) = await NewWxMiniCallerAsync();
        var scene = Unique();

        var (status, body) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{secret}/qrcode/unlimited",
            new { scene, page = "pages/index/index", width = 280, autoColor = false, lineColor = """{"r":"255","g":0,"b":16}""", isHyaline = true });

        Assert.Equal(200, status);
        Assert.Equal(["code", "success", "msg", "data"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, body.GetProperty("code").GetInt32());
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("ok", body.GetProperty("msg").GetString());
        Assert.Equal(Convert.ToBase64String(CodeApiFixture.Png), body.GetProperty("data").GetString());
        var sent = fx.UpstreamBody(Unlimited, scene);
        Assert.Equal(255, sent.GetProperty("line_color").GetProperty("r").GetInt32());
        Assert.Equal(16, sent.GetProperty("line_color").GetProperty("b").GetInt32());
        Assert.Equal((90L, 90L, 2), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task WxMiniUnlimited_LineColorObject_IsAccepted()
    {
        var (c, secret) = await NewWxMiniCallerAsync();
        var scene = Unique();
        var (status, _) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{secret}/qrcode/unlimited", new { scene, lineColor = new { r = 1, g = 2, b = 3 } });
        Assert.Equal(200, status);
        Assert.Equal(3, fx.UpstreamBody(Unlimited, scene).GetProperty("line_color").GetProperty("b").GetInt32());
    }

    [Fact]
    public async Task WxMiniUnlimited_WrongSecret_Returns40125WithoutDebit()
    {
        var (c, _) = await NewWxMiniCallerAsync();
        var (status, body) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{new string('0', 32)}/qrcode/unlimited", new { scene = "a" });
        Assert.Equal(403, status);
        Assert.Equal(40125, body.GetProperty("code").GetInt32());
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task WxMiniUnlimited_UnregisteredApp_Returns40013()
    {
        var c = await fx.NewCallerAsync(100, withApp: false);
        var (status, body) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{new string('0', 32)}/qrcode/unlimited", new { scene = "a" });
        Assert.Equal(403, status);
        Assert.Equal(40013, body.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"page":"pages/a"}""", 40169)]
    [InlineData("""{"scene":"123456789012345678901234567890123"}""", 40169)]
    [InlineData("""{"scene":"a%20b"}""", 40129)]
    [InlineData("""{"scene":"scancode_time=1"}""", 85096)]
    [InlineData("""{"scene":"a","width":99999}""", 40097)]
    [InlineData("""{"scene":"a","lineColor":"{bad"}""", 40097)]
    public async Task WxMiniUnlimited_InvalidBody_Returns400WithWeChatCodeWithoutDebit(string json, int code)
    {
        var (c, secret) = await NewWxMiniCallerAsync();
        var response = await c.Client.PostAsync($"/wx/mini/v1/{c.AppId}/{secret}/qrcode/unlimited", Json(json));
        var body = await response.ReadJsonAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(code, body.GetProperty("code").GetInt32());
        Assert.Equal(["code", "success", "msg"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal((100L, 100L, 1), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task WxMiniUnlimited_WeChatParameterErrcode_Returns400WithErrcodeAndRefunds()
    {
        var (c, secret) = await NewWxMiniCallerAsync();
        var (status, body) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{secret}/qrcode/unlimited", new { scene = Unique(CodeApiFixture.Err41030) });
        Assert.Equal(400, status);
        Assert.Equal(41030, body.GetProperty("code").GetInt32());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
        await fx.Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task WxMiniUnlimited_TransportFailure_Returns500AndRefunds()
    {
        var (c, secret) = await NewWxMiniCallerAsync();
        var (status, body) = await c.Client.PostJsonAsync($"/wx/mini/v1/{c.AppId}/{secret}/qrcode/unlimited", new { scene = Unique(CodeApiFixture.Broken) });
        Assert.Equal(500, status);
        Assert.Equal(500, body.GetProperty("code").GetInt32());
        Assert.Equal((100L, 100L, 3), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task WxMiniUnlimited_NoToken_Returns401InFamilyC()
    {
        var (status, body) = await fx.Factory.ApiClient(null).PostJsonAsync($"/wx/mini/v1/wx0000000000000000/{new string('0', 32)}/qrcode/unlimited", new { scene = "a" });
        Assert.Equal(401, status);
        Assert.False(body.GetProperty("success").GetBoolean());
    }
}
