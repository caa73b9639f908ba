using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Portal.Tests.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.ApiClient;

/// <summary>
/// What an API customer does: generate a C# client from the live <c>/openapi/v1.json</c> with a generator from NuGet
/// (the repository's local dotnet tools: NSwag in its default Newtonsoft.Json mode and its System.Text.Json mode, and
/// Kiota), compile it unedited next to <c>Driver/Program.cs</c> or <c>KiotaDriver/Program.cs</c>, and call every token
/// route of a real Kestrel host against the WeChat stub — typed successes and typed error bodies in all three envelopes.
/// </summary>
/// <remarks>Slow by nature (a tool run and a nested build, about a minute); the PostgreSQL leg of test.sh leaves it out.</remarks>
public sealed class GeneratedClientTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const string LoginCode = "LOGIN-CODE-OK";

    private readonly WireMockServer _weChat = WireMockServer.Start();
    private readonly PortalFactory _factory = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "portal-client-" + Guid.NewGuid().ToString("N")[..8]);

    public ValueTask InitializeAsync()
    {
        _weChat.StableToken("STUB_ACCESS_TOKEN");
        foreach (var path in new[] { "/wxa/getwxacodeunlimit", "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode" })
        {
            _weChat.Given(Request.Create().WithPath(path).UsingPost().WithBody(new WildcardMatcher("*e41030*"))).AtPriority(1)
                .RespondWith(WeChatStub.ErrCode(41030, "invalid page"));
            _weChat.Given(Request.Create().WithPath(path).UsingPost()).AtPriority(10)
                .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(WeChatStub.Png));
        }
        _factory.Settings["WeChat:ApiBaseUrl"] = _weChat.Url;
        _factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
        _factory.UseKestrel(0);
        _factory.StartServer();
        Directory.CreateDirectory(_work);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _factory.Dispose();
        _weChat.Stop();
        _weChat.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("nswag", "NewtonsoftJson")] // NSwag's default
    [InlineData("nswag", "SystemTextJson")]
    [InlineData("kiota", "")]
    public async Task GeneratedClient_FromLiveDocument_CallsEverySeedRouteWithTypedSuccessAndErrors(string generator, string jsonLibrary)
    {
        var user = await _factory.CreateUserAsync(1000);
        var poor = await _factory.CreateUserAsync(0);
        var (app, secret) = await _factory.RegisterAppAsync(user);
        var sessionKey = RandomNumberGenerator.GetBytes(16);
        _weChat.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).WithParam("js_code", LoginCode).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "OPEN-1", unionid = "UNION-1", session_key = Convert.ToBase64String(sessionKey) }));
        var (encrypted, iv) = Encrypt(sessionKey, "{\"openId\":\"OPEN-1\",\"watermark\":{\"appid\":\"" + app.AppId + "\",\"timestamp\":1477314187}}");
        using var http = _factory.CreateClient();
        var baseUrl = http.BaseAddress!.ToString().TrimEnd('/');
        var document = Path.Combine(_work, "openapi.json");
        File.WriteAllText(document, await http.GetStringAsync("/openapi/v1.json"));
        var root = RepositoryRoot();
        await RunAsync("dotnet", ["tool", "restore"], root);

        var driver = generator == "kiota" ? "KiotaDriver" : "Driver";
        if (generator == "kiota")
            await RunAsync("dotnet", ["tool", "run", "kiota", "generate", "-l", "CSharp", "-d", document, "-o", Path.Combine(_work, "Client"),
                "-n", "Generated", "-c", "PortalClient"], root, environment: new() { ["KIOTA_UPDATE_CHECK_ENABLED"] = "false" });
        else
            await RunAsync("dotnet", ["tool", "run", "nswag", "openapi2csclient", $"/input:{document}", $"/output:{Path.Combine(_work, "PortalClient.cs")}",
                "/namespace:Generated", "/classname:PortalClient", $"/jsonLibrary:{jsonLibrary}"], root);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "Portal.Tests", "ApiClient", driver)))
            File.Copy(file, Path.Combine(_work, Path.GetFileName(file)));
        await RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q", "-o", Path.Combine(_work, "out")], _work);

        var output = await RunAsync("dotnet", [Path.Combine(_work, "out", driver == "Driver" ? "ClientDriver.dll" : "KiotaDriver.dll")], _work, expectSuccess: false, new()
        {
            ["PORTAL_BASE"] = baseUrl,
            ["PORTAL_TOKEN"] = await _factory.IssueTokenAsync(user),
            ["PORTAL_POOR_TOKEN"] = await _factory.IssueTokenAsync(poor),
            ["PORTAL_APP_ID"] = app.AppId,
            ["PORTAL_APP_SECRET"] = secret,
            ["PORTAL_LOGIN_CODE"] = LoginCode,
            ["PORTAL_ENCRYPTED_DATA"] = encrypted,
            ["PORTAL_IV"] = iv,
        });

        log.WriteLine(output.Text);
        Assert.False(output.Text.Contains("FAIL ", StringComparison.Ordinal), output.Text);
        Assert.Equal(0, output.ExitCode);
        var lines = output.Text.ReplaceLineEndings("\n").Split('\n');
        foreach (var route in new[]
        {
            "GenerateQr", "GenerateH5QrCodeImage", "GenerateH5QrCodeBase64", "GenerateShortLink", "GenerateMiniProgramLink", "DecodeLink",
            "WxMiniCode2Session", "WxMiniDecode", "WxMiniUnionId", "WxMiniOpenId", "WxMiniAccessToken", "WxMiniQrCodeUnlimited",
        })
            Assert.Contains($"PASS {route}", lines);
        // Typed errors in all three envelopes: 401, 402, 404, 502 (with WeChat's detail), 400, 403 and, through NSwag, 422.
        Assert.Equal(generator == "kiota" ? 9 : 10, lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal) && l.Contains('-')));
    }

    private static (string Encrypted, string Iv) Encrypt(byte[] key, string plaintext)
    {
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = key;
        return (Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7)), Convert.ToBase64String(iv));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Text)> RunAsync(string file, string[] args, string directory, bool expectSuccess = true,
        Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The test host's MSBuild settings would point a nested build at the wrong SDK pieces.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? []) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        if (expectSuccess) Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return (process.ExitCode, text);
    }
}
