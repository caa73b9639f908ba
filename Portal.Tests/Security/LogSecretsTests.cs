using System.Collections;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.WeChat;
using Portal.Tests.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.Tests.Security;

/// <summary>
/// Captures every log event at Trace — category, formatted message, every structured state value, every scope (and
/// its values) and the exception — so a test can search all of it for secrets.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>One text per event.</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Events { get; } = new();

    /// <summary>All captured text.</summary>
    public string AllText => string.Join("\n", Events.Select(e => $"{e.Category} {e.Level} {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private static void AppendValues(StringBuilder text, object? state)
    {
        text.Append(" | ").Append(state);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            foreach (var (key, value) in pairs) text.Append(" | ").Append(key).Append('=').Append(Describe(value));
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        IEnumerable e => string.Join(",", e.Cast<object?>().Select(Describe)),
        _ => value.ToString() ?? "",
    };

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            AppendValues(text, state);
            owner._scopes.ForEachScope((scope, sb) => { sb.Append(" | scope:"); AppendValues(sb, scope); }, text);
            if (exception is not null) text.Append(" | ").Append(exception);
            owner.Events.Enqueue((category, logLevel, text.ToString()));
        }
    }
}

/// <summary>
/// No AppSecret, WeChat access_token, session_key or API token ever appears in a log — not in a
/// message, a structured value or a scope — across a full flow with every category (ASP.NET Core, HttpClient, EF Core)
/// logging at Trace.
/// </summary>
public sealed class LogSecretsTests : IAsyncLifetime
{
    private readonly WireMockServer _stub = WireMockServer.Start();
    private readonly PortalFactory _factory = new();
    private readonly CapturingLoggerProvider _logs = new();

    private readonly string _accessToken = "ACCESS" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
    private readonly string _refreshedAccessToken = "REFRESHED" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
    private readonly byte[] _sessionKeyBytes = RandomNumberGenerator.GetBytes(16);
    private string SessionKey => Convert.ToBase64String(_sessionKeyBytes);

    public ValueTask InitializeAsync()
    {
        _stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("token").WillSetStateTo("refreshed")
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = _accessToken, expires_in = 7200 }));
        _stub.Given(Request.Create().WithPath(WeChatStub.StableTokenPath).UsingPost()).InScenario("token").WhenStateIs("refreshed")
            .RespondWith(Response.Create().WithBodyAsJson(new { access_token = _refreshedAccessToken, expires_in = 7200 }));
        _stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "OPENID-LOGS", session_key = SessionKey, unionid = "UNIONID-LOGS" }));
        // The first code call says the access_token expired (40001), so the client refreshes it: more code paths log.
        _stub.Given(Request.Create().WithPath(WeChatStub.UnlimitPath).UsingPost().WithParam("access_token", _accessToken)).AtPriority(1)
            .RespondWith(WeChatStub.ErrCode(40001, "invalid credential, access_token is invalid or not latest"));
        _stub.Given(Request.Create().UsingPost().WithPath(WeChatStub.UnlimitPath, "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode")).AtPriority(5)
            .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(WeChatStub.Png));

        _factory.Settings["WeChat:ApiBaseUrl"] = _stub.Url;
        _factory.Settings["WeChat:BusyRetryDelay"] = "00:00:00";
        _factory.Settings["Logging:LogLevel:Default"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        _factory.Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace";
        _factory.Settings["Logging:LogLevel:System"] = "Trace";
        _factory.TestServices.Add(services =>
        {
            services.AddSingleton<ILoggerProvider>(_logs);
            services.Configure<LoggerFilterOptions>(o =>
            {
                o.MinLevel = LogLevel.Trace;
                o.Rules.Add(new LoggerFilterRule(typeof(CapturingLoggerProvider).FullName, null, LogLevel.Trace, null));
            });
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _factory.Dispose();
        _stub.Stop();
        _stub.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task FullFlow_TraceLogsOfEveryCategory_ContainNoSecret()
    {
        // Arrange: a user with an API token, a revoked token, a registered app.
        var user = await _factory.CreateUserAsync(10_000);
        var tokens = _factory.Services.GetRequiredService<ApiTokenService>();
        var apiToken = (await tokens.IssueAsync(user.Id, "live", null)).Secret;
        var revoked = await tokens.IssueAsync(user.Id, "old", null);
        Assert.True(await tokens.RevokeAsync(user.Id, revoked.Token.Id));
        var unknownToken = ApiTokenFormat.Generate();
        var (app, appSecret) = await _factory.RegisterAppAsync(user);
        var client = _factory.ApiClient(apiToken);
        var wx = $"/wx/mini/v1/{app.AppId}";

        // API calls with bad tokens (401), in both header forms.
        foreach (var bad in new[] { revoked.Secret, unknownToken, apiToken[..^1] })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.ApiClient(bad).PostAsync("/generate-shortlink", Json(new { longUrl = "https://example.com" }))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.BareTokenClient(bad).GetAsync($"{wx}/{appSecret}/access_token")).StatusCode);
        }

        // The central access_token, WeChat login, session reads and decryption (token and raw session_key).
        var accessToken = await GetDataAsync(client, $"{wx}/{appSecret}/access_token");
        Assert.Equal(_accessToken, accessToken);
        var session = await GetDataAsync(client, $"{wx}/{appSecret}/code2Session?code=logincode123");
        Assert.Equal("OPENID-LOGS", await GetDataAsync(client, $"{wx}/openId?token={Uri.EscapeDataString(session)}"));
        Assert.Equal("UNIONID-LOGS", await GetDataAsync(client, $"{wx}/unionId?token={Uri.EscapeDataString(session)}"));
        var iv = RandomNumberGenerator.GetBytes(16);
        var encrypted = WeChatDataCrypto.Encrypt(_sessionKeyBytes, iv, JsonSerializer.Serialize(new { phoneNumber = "13800138000", watermark = new { appid = app.AppId, timestamp = 1 } }));
        foreach (var key in new[] { session, SessionKey })
        {
            var decoded = await client.GetAsync($"{wx}/decode?sessionkey={Uri.EscapeDataString(key)}&encryptedData={Uri.EscapeDataString(encrypted)}&iv={Uri.EscapeDataString(Convert.ToBase64String(iv))}");
            Assert.Equal(HttpStatusCode.OK, decoded.StatusCode);
        }
        // Wrong secret and wrong session key: error paths log too.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{wx}/{appSecret[..^1]}{(appSecret[^1] == '0' ? '1' : '0')}/access_token")).StatusCode);

        // Codes on every family (the first hits 40001 and refreshes the access_token).
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{wx}/{appSecret}/qrcode/unlimited", Json(new { scene = "a=1" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/generate-qr", Json(new { appid = app.AppId, pagepath = "pages/index/index", type = "wxcode" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/h5/qrcode/generate-base64", Json(new { scene = "b=2" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/generate-shortlink", Json(new { longUrl = "https://example.com/x" }))).StatusCode);
        Assert.Equal(2, _stub.Calls(WeChatStub.StableTokenPath));
        Assert.True((await _factory.Services.GetRequiredService<MiniProgramAppService>().TestCredentialsAsync(user.Id, app.Id))!.Ok);

        // The admin CLI issues a token (printed on stdout, the only place it may appear).
        var stdout = new StringWriter();
        Assert.Equal(0, await AdminCli.RunAsync(_factory.Services, ["tokens", "issue", "--email", user.Email, "--name", "cli"], stdout, new StringWriter()));
        var cliToken = stdout.ToString().Trim().Split('\n')[^1].Trim();
        Assert.True(ApiTokenFormat.IsWellFormed(cliToken), cliToken);
        Assert.Equal(HttpStatusCode.OK, (await _factory.ApiClient(cliToken).PostAsync("/generate-shortlink", Json(new { longUrl = "https://example.com/cli" }))).StatusCode);

        // The capture really saw every layer at Trace…
        var all = _logs.AllText;
        Assert.Contains(_logs.Events, e => e.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal) && e.Text.Contains("/wx/mini/v1/"));
        // (The WeChat HttpClient has its handler loggers removed — WeChatExtensions — so System.Net.Http logs nothing.)
        Assert.Contains(_logs.Events, e => e.Category.StartsWith("Portal.Features.WeChat", StringComparison.Ordinal));
        Assert.Contains(_logs.Events, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        Assert.Contains(_logs.Events, e => e.Level == LogLevel.Trace);
        Assert.Contains(app.AppId, all);

        // …and no secret is in it, in any encoding a URL or JSON would give it.
        var secrets = new Dictionary<string, string>
        {
            ["AppSecret"] = appSecret, ["access_token"] = _accessToken, ["refreshed access_token"] = _refreshedAccessToken,
            ["session_key"] = SessionKey, ["session token"] = session, ["API token"] = apiToken, ["revoked API token"] = revoked.Secret,
            ["unknown API token"] = unknownToken, ["CLI API token"] = cliToken,
        };
        await using (var db = await _factory.DbAsync())
        {
            // The Data Protection master keys protect every stored AppSecret and session_key; in the database they are
            // encrypted with the key-ring certificate, and not even that form may reach a log.
            var keys = (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync())
                .SelectMany(x => System.Xml.Linq.XElement.Parse(x!).Descendants()
                    .Where(e => e.Name.LocalName is "masterKey" or "CipherValue").Select(e => e.Value.Trim())).ToList();
            Assert.NotEmpty(keys);
            for (var i = 0; i < keys.Count; i++) secrets[$"Data Protection master key {i}"] = keys[i];
        }
        foreach (var (name, secret) in secrets)
        {
            foreach (var form in Forms(name, secret))
            {
                var at = all.IndexOf(form, StringComparison.Ordinal);
                Assert.True(at < 0, $"{name} found in the logs: …{all[Math.Max(0, at - 300)..Math.Min(all.Length, at + form.Length + 100)]}…");
            }
        }
    }

    [Theory]
    [InlineData("Reading data with key 'k', value '<key><descriptor><masterKey p4:requiresEncryption=\"true\"><!-- Warning --><value>S3CR3TKEY==</value></masterKey></descriptor></key>'.")]
    [InlineData("value '<masterKey><value>S3CR3TKEY==</value>")]
    public void Redact_DataProtectionMasterKey_Masked(string message)
    {
        var redacted = SecretPathRedaction.Redact(message);

        Assert.DoesNotContain("S3CR3TKEY", redacted);
        Assert.Contains("<masterKey>***</masterKey>", redacted);
    }

    [Fact]
    public async Task EfCore_SensitiveDataLogging_IsOff()
    {
        await using var db = await _factory.DbAsync();

        var core = db.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>();

        Assert.NotNull(core);
        Assert.False(core.IsSensitiveDataLoggingEnabled);
    }

    private static IEnumerable<string> Forms(string name, string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        yield return JsonSerializer.Serialize(secret)[1..^1];
        if (secret.StartsWith(ApiTokenFormat.Prefix, StringComparison.Ordinal))
        {
            // The random part without the prefix and the checksum alone would not identify it; the body would.
            yield return secret[ApiTokenFormat.Prefix.Length..^ApiTokenFormat.ChecksumLength];
        }
        if (name == "session_key") yield return Convert.ToHexString(Convert.FromBase64String(secret));
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<string> GetDataAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return body.GetProperty("data").GetString()!;
    }
}
