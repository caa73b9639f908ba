using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Features.WeChat;
using Portal.Tests.TestInfrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Portal.Tests.Features.WeChat;

/// <summary>The <c>{secret}</c> path segment and seed-003 query values never reach a log line.</summary>
public sealed class SecretPathRedactionTests(WeChatFixture fx) : IClassFixture<WeChatFixture>
{
    [Fact]
    public void Redact_SecretSegmentAndQuery_Masked()
    {
        var text = "Request starting HTTP/1.1 GET http://localhost/wx/mini/v1/wx0123456789abcdef/0123456789abcdef0123456789abcdef/code2Session?code=xyz - -";

        var redacted = SecretPathRedaction.Redact(text);

        Assert.Equal("Request starting HTTP/1.1 GET http://localhost/wx/mini/v1/wx0123456789abcdef/***/code2Session?*** - -", redacted);
        Assert.Equal("/wx/mini/v1/wx0123456789abcdef/openId", SecretPathRedaction.Redact("/wx/mini/v1/wx0123456789abcdef/openId"));
    }

    [Fact]
    public async Task Requests_WithSecretAndSessionToken_NeitherAppearsInAnyLogLine()
    {
        fx.Factory.Settings["Logging:LogLevel:Default"] = "Debug";
        fx.Factory.Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
        var capture = new CapturingLoggerProvider();
        using var factory = fx.Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(capture)));
        fx.Stub.Reset();
        fx.Stub.StableToken("ACCESS-TOKEN-SECRET-VALUE");
        fx.Stub.Given(Request.Create().WithPath(WeChatStub.Code2SessionPath).UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { openid = "O", session_key = Convert.ToBase64String(new byte[16]) }));

        var user = await fx.Factory.CreateUserAsync(1000);
        var appService = factory.Services.GetRequiredService<MiniProgramAppService>();
        var appId = WeChatStub.NewAppId();
        var secret = WeChatStub.NewSecret();
        Assert.True((await appService.RegisterAsync(user.Id, appId, secret, null)).Succeeded);
        var apiToken = (await factory.Services.GetRequiredService<Portal.Features.ApiTokens.ApiTokenService>().IssueAsync(user.Id, "t", null)).Secret;
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", apiToken);

        var login = await client.GetAsync($"/wx/mini/v1/{appId}/{secret}/code2Session?code=LOGIN-CODE-123");
        var sessionToken = (await login.ReadJsonAsync()).GetProperty("data").GetString()!;
        var openId = await client.GetAsync($"/wx/mini/v1/{appId}/openId?token={Uri.EscapeDataString(sessionToken)}");
        var access = await client.GetAsync($"/wx/mini/v1/{appId}/{secret}/access_token");
        var wrongSecret = await client.GetAsync($"/wx/mini/v1/{appId}/{WeChatStub.NewSecret()}/access_token");

        Assert.Equal(200, (int)login.StatusCode);
        Assert.Equal(200, (int)openId.StatusCode);
        Assert.Equal(200, (int)access.StatusCode);
        Assert.Equal(403, (int)wrongSecret.StatusCode);
        var lines = capture.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains($"/wx/mini/v1/{appId}/***/code2Session", StringComparison.Ordinal));
        foreach (var forbidden in new[] { secret, sessionToken, "LOGIN-CODE-123", "ACCESS-TOKEN-SECRET-VALUE", apiToken })
            Assert.True(!lines.Any(l => l.Contains(forbidden, StringComparison.Ordinal)), lines.FirstOrDefault(l => l.Contains(forbidden, StringComparison.Ordinal)));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        private IExternalScopeProvider? _scopes;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var parts = new List<string> { category, formatter(state, exception), exception?.ToString() ?? "" };
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs) parts.AddRange(pairs.Select(p => $"{p.Key}={p.Value}"));
                owner._scopes?.ForEachScope((scope, list) =>
                {
                    list.Add(scope?.ToString() ?? "");
                    if (scope is IEnumerable<KeyValuePair<string, object?>> kv) list.AddRange(kv.Select(p => $"{p.Key}={p.Value}"));
                }, parts);
                owner.Lines.Enqueue(string.Join(" | ", parts));
            }
        }
    }
}
