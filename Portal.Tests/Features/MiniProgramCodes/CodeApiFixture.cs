using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Features.MiniProgramCodes;

/// <summary>
/// One Portal over SQLite plus a WireMock stub of WeChat (docs/wechat.md §2, §5) shared by a test class. Tests isolate
/// themselves with fresh users, apps and unique scenes/paths, and count upstream calls by those.
/// </summary>
public sealed class CodeApiFixture : IAsyncLifetime
{
    /// <summary>A JPEG as WeChat sends for normal codes: SOI + JFIF header + EOI.</summary>
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    /// <summary>A PNG as WeChat sends for transparent codes: signature + IHDR start.</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0xAE, 0x00, 0x00, 0x01, 0xAE];

    /// <summary>Scene prefix answered with errcode 41030 (invalid page).</summary>
    public const string Err41030 = "e41030";

    /// <summary>Scene prefix answered with errcode 40169 (invalid scene).</summary>
    public const string Err40169 = "e40169";

    /// <summary>Scene or path marker answered with HTTP 500 (a transport failure for the client).</summary>
    public const string Broken = "broken";

    /// <summary>The stub.</summary>
    public WireMockServer WeChat { get; } = WireMockServer.Start();

    /// <summary>The app under test.</summary>
    public PortalFactory Factory { get; } = new();

    public ValueTask InitializeAsync()
    {
        WeChat.Given(Request.Create().WithPath("/cgi-bin/stable_token").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"access_token":"STUB_ACCESS_TOKEN","expires_in":7200}"""));

        foreach (var path in new[] { "/wxa/getwxacodeunlimit", "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode" })
        {
            WeChat.Given(Request.Create().WithPath(path).UsingPost().WithBody(new WildcardMatcher($"*{Err41030}*")))
                .AtPriority(1)
                .RespondWith(Response.Create().WithHeader("Content-Type", "application/json; charset=utf-8")
                    .WithBody("""{"errcode":41030,"errmsg":"invalid page rid: 6746b1c2-1a2b3c4d-5e6f7a8b"}"""));
            WeChat.Given(Request.Create().WithPath(path).UsingPost().WithBody(new WildcardMatcher($"*{Err40169}*")))
                .AtPriority(1)
                .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                    .WithBody("""{"errcode":40169,"errmsg":"invalid length for scene, or the data is not json string rid: 1"}"""));
            WeChat.Given(Request.Create().WithPath(path).UsingPost().WithBody(new WildcardMatcher($"*{Broken}*")))
                .AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(500).WithBody("upstream exploded"));
            WeChat.Given(Request.Create().WithPath(path).UsingPost().WithBody(new WildcardMatcher("*\"is_hyaline\":true*")))
                .AtPriority(5)
                .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(Png));
            WeChat.Given(Request.Create().WithPath(path).UsingPost())
                .AtPriority(10)
                .RespondWith(Response.Create().WithHeader("Content-Type", "image/jpeg").WithBody(Jpeg));
        }

        Factory.Settings["WeChat:ApiBaseUrl"] = WeChat.Url;
        Factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
        Factory.Settings["Portal:PublicBaseUrl"] = "https://codes.example.test";
        _ = Factory.Server; // start the app (migrations) once
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        WeChat.Stop();
        WeChat.Dispose();
        Factory.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A fresh user with <paramref name="balanceFen"/>, an API token and (unless <paramref name="withApp"/> is false) one registered default app.</summary>
    public async Task<Caller> NewCallerAsync(long balanceFen = 100, bool withApp = true)
    {
        var user = await Factory.CreateUserAsync(balanceFen);
        var token = await Factory.IssueTokenAsync(user);
        var appId = "wx" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16];
        if (withApp)
        {
            await using var scope = Factory.Scope();
            var registered = await scope.ServiceProvider.GetRequiredService<MiniProgramAppService>()
                .RegisterAsync(user.Id, appId, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), "Test app");
            Assert.True(registered.Succeeded, registered.Error);
        }
        return new Caller(user, token, appId, Factory.ApiClient(token));
    }

    /// <summary>Upstream calls to <paramref name="path"/> whose body contains <paramref name="marker"/>.</summary>
    public int Calls(string path, string marker) =>
        WeChat.LogEntries.Count(e => e.RequestMessage.Path == path && (e.RequestMessage.Body ?? "").Contains(marker, StringComparison.Ordinal));

    /// <summary>The JSON body of the single upstream call to <paramref name="path"/> containing <paramref name="marker"/>.</summary>
    public JsonElement UpstreamBody(string path, string marker) =>
        JsonDocument.Parse(WeChat.LogEntries.Single(e => e.RequestMessage.Path == path && (e.RequestMessage.Body ?? "").Contains(marker, StringComparison.Ordinal)).RequestMessage.Body!).RootElement.Clone();
}

/// <summary>A test caller: user, API token, registered AppID and an authenticated client.</summary>
public sealed record Caller(TestUser User, string Token, string AppId, HttpClient Client);
