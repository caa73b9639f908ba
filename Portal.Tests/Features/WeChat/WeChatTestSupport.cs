using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Features.WeChat;

/// <summary>
/// One Portal (fresh SQLite) pointed at one WireMock stub of api.weixin.qq.com, shared by the tests of a class
/// (xunit runs a class's tests one after another); each test resets the stub and uses its own user and app.
/// </summary>
public sealed class WeChatFixture : IDisposable
{
    /// <summary>The stub.</summary>
    public WireMockServer Stub { get; } = WireMockServer.Start();

    /// <summary>The app under test.</summary>
    public PortalFactory Factory { get; } = new();

    public WeChatFixture()
    {
        Factory.Settings["WeChat:ApiBaseUrl"] = Stub.Url;
        Factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
    }

    public void Dispose()
    {
        Factory.Dispose();
        Stub.Stop();
        Stub.Dispose();
    }
}

/// <summary>WeChat behaviours as docs/wechat.md describes them, and test helpers.</summary>
public static class WeChatStub
{
    public const string StableTokenPath = "/cgi-bin/stable_token";
    public const string Code2SessionPath = "/sns/jscode2session";
    public const string UnlimitPath = "/wxa/getwxacodeunlimit";

    /// <summary>A PNG signature followed by filler.</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];

    /// <summary>stable_token answers <paramref name="token"/> with <paramref name="expiresIn"/> seconds.</summary>
    public static void StableToken(this WireMockServer stub, string token, int expiresIn = 7200, int delayMs = 0)
    {
        var response = Response.Create().WithStatusCode(200).WithBodyAsJson(new { access_token = token, expires_in = expiresIn });
        if (delayMs > 0) response = response.WithDelay(delayMs);
        stub.Given(Request.Create().WithPath(StableTokenPath).UsingPost()).RespondWith(response);
    }

    /// <summary>A JSON errcode answer with a rid, as WeChat sends it.</summary>
    public static IResponseBuilder ErrCode(int errcode, string errmsg) =>
        Response.Create().WithStatusCode(200).WithBodyAsJson(new { errcode, errmsg = errmsg + " rid: 6747f1a2-1c2d3e4f-5a6b7c8d" });

    /// <summary>Number of requests the stub received on <paramref name="path"/>.</summary>
    public static int Calls(this WireMockServer stub, string path) => stub.LogEntries.Count(e => e.RequestMessage.Path == path);

    /// <summary>A fresh random AppID (wx + 16 hex).</summary>
    public static string NewAppId() => "wx" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A fresh random AppSecret (32 hex).</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Registers an app for <paramref name="user"/> and returns the entity with its secret.</summary>
    public static async Task<(MiniProgramApp App, string Secret)> RegisterAppAsync(this PortalFactory factory, TestUser user, string? appId = null)
    {
        appId ??= NewAppId();
        var secret = NewSecret();
        var apps = factory.Services.GetRequiredService<MiniProgramAppService>();
        var registered = await apps.RegisterAsync(user.Id, appId, secret, "Test app");
        Assert.True(registered.Succeeded, registered.Error);
        return ((await apps.FindOwnedByAppIdAsync(user.Id, appId))!, secret);
    }
}
