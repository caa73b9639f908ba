using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Tests.Security;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// What every API response shares (docs/api.md "Every API route"), over the real HTTP stack: the <c>X-RateLimit-*</c>
/// headers, <c>X-Request-Id</c> (the client's when well formed), 413 for every over-limit body and JSON 404/405 on API
/// paths, each in the route family's envelope.
/// </summary>
public sealed class ApiConventionsTests : IClassFixture<ApiConventionsTests.Factory>
{
    private const string Policy = "1;w=1;burst=1000;scope=token, 10000;w=1;burst=10000;scope=user";

    /// <summary>A token bucket of 1,000 refilled by one a second: a few calls visibly use it up, none is refused.</summary>
    public sealed class Factory : PortalFactory
    {
        public Factory()
        {
            Settings["RateLimiting:PermitsPerSecond"] = "1";
            Settings["RateLimiting:Burst"] = "1000";
            // "Executing endpoint …" (Information) is logged inside every request that reaches its handler.
            Settings["Logging:LogLevel:Microsoft.AspNetCore.Routing.EndpointMiddleware"] = "Information";
            TestServices.Add(services => services.AddSingleton<ILoggerProvider>(Logs));
        }

        public CapturingLoggerProvider Logs { get; } = new();
    }

    private readonly Factory _factory;

    public ApiConventionsTests(Factory factory) => _factory = factory;

    private async Task<(TestUser User, HttpClient Client)> CallerAsync(long balanceFen = 1000)
    {
        var user = await _factory.CreateUserAsync(balanceFen);
        return (user, _factory.ApiClient(await _factory.IssueTokenAsync(user)));
    }

    private static void HasRateLimitHeaders(HttpResponseMessage response, string what)
    {
        var limit = int.Parse(Assert.Single(response.Headers.GetValues("X-RateLimit-Limit")));
        var remaining = int.Parse(Assert.Single(response.Headers.GetValues("X-RateLimit-Remaining")));
        var reset = int.Parse(Assert.Single(response.Headers.GetValues("X-RateLimit-Reset")));
        Assert.True(limit > 0 && remaining >= 0 && remaining <= limit && reset >= 0, $"{what}: {limit}/{remaining}/{reset}");
        Assert.Equal(Policy, Assert.Single(response.Headers.GetValues("X-RateLimit-Policy")));
    }

    [Fact]
    public async Task EveryApiResponse_SuccessErrorsUnauthorizedUnknownPath_CarriesRateLimitHeaders()
    {
        var (_, client) = await CallerAsync();
        using var anonymous = _factory.ApiClient(null);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["200"] = (await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/a" })).Message,
            ["400"] = (await client.PostAsync("/generate-shortlink", new { })).Message,
            ["401"] = (await anonymous.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/a" })).Message,
            ["h5 401"] = (await anonymous.PostAsync("/api/h5/qrcode/generate-base64", new { scene = "a" })).Message,
            ["wx 400"] = await client.GetAsync("/wx/mini/v1/wx6b698b0251caccff/openId"),
            ["404"] = await client.GetAsync("/api/h5/nothing-here"),
            ["405"] = await client.GetAsync("/generate-qr"),
        };

        foreach (var (what, response) in responses) HasRateLimitHeaders(response, what);
        Assert.Equal(200, (int)responses["200"].StatusCode);
        Assert.Equal(1000, int.Parse(responses["200"].Headers.GetValues("X-RateLimit-Limit").Single()));
    }

    [Fact]
    public async Task RateLimitHeaders_AfterCalls_RemainingBelowTheBucketAndResetUntilFull()
    {
        var (_, client) = await CallerAsync();

        ApiResponse last = null!;
        for (var i = 0; i < 3; i++) last = await client.PostAsync("/generate-shortlink", new { longUrl = $"https://example.com/{i}" });

        // Three taken from a bucket of 1,000 refilled by one a second: fewer than 1,000 left, full again in as many seconds.
        var remaining = int.Parse(last.Message.Headers.GetValues("X-RateLimit-Remaining").Single());
        var reset = int.Parse(last.Message.Headers.GetValues("X-RateLimit-Reset").Single());
        Assert.InRange(remaining, 0, 999);
        Assert.Equal(1000 - remaining, reset);
    }

    [Fact]
    public async Task PortalPagesAndPublicLinks_HaveNoRateLimitHeaders()
    {
        using var anonymous = _factory.ApiClient(null);

        var page = await anonymous.GetAsync("/Account/Login");
        var link = await anonymous.GetAsync("/s/zzzzzzz");

        Assert.False(page.Headers.Contains("X-RateLimit-Limit"));
        Assert.False(link.Headers.Contains("X-RateLimit-Limit"));
    }

    [Theory]
    [InlineData("client-42.retry_1")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task RequestId_WellFormedClientId_EchoedOnSuccessAndErrorsAndInLogScopes(string id)
    {
        var (user, client) = await CallerAsync();
        using var anonymous = _factory.ApiClient(null);

        var ok = await SendAsync(client, HttpMethod.Post, "/generate-shortlink", id, new { longUrl = "https://example.com/id" });
        var unauthorized = await SendAsync(anonymous, HttpMethod.Post, "/generate-shortlink", id, new { longUrl = "https://example.com/id" });
        var notFound = await SendAsync(client, HttpMethod.Get, "/wx/mini/v1/nothing", id);

        foreach (var response in new[] { ok, unauthorized, notFound })
            Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Contains(_factory.Logs.Events, e => e.Text.Contains("scope:") && e.Text.Contains($"RequestId={id}"));
        // The ledger keeps Portal's own id (unique per request), named next to the client's in the log scope.
        var charge = Assert.Single(await _factory.ChargesOfAsync(user.Id));
        Assert.Matches("^[0-9a-f]{32}$", charge.RequestId);
        Assert.Contains(_factory.Logs.Events, e => e.Text.Contains($"RequestId={id}") && e.Text.Contains($"PortalRequestId={charge.RequestId}"));
    }

    [Fact]
    public async Task RequestId_SameClientIdTwice_BothCallsServedAndChargedOnce()
    {
        var (user, client) = await CallerAsync(1000);

        var first = await SendAsync(client, HttpMethod.Post, "/generate-shortlink", "same-id", new { longUrl = "https://example.com/1" });
        var second = await SendAsync(client, HttpMethod.Post, "/generate-shortlink", "same-id", new { longUrl = "https://example.com/2" });

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(2, (await _factory.ChargesOfAsync(user.Id)).Count);
        Assert.Equal(980, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("colon:inside")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")] // 65 characters
    public async Task RequestId_MalformedClientId_ReplacedByPortalsOwn(string id)
    {
        var (_, client) = await CallerAsync();

        var response = await SendAsync(client, HttpMethod.Post, "/generate-shortlink", id, new { longUrl = "https://example.com/x" });

        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Theory]
    [InlineData("/generate-shortlink", false)]
    [InlineData("/generate-shortlink", true)]
    [InlineData("/decode-link", false)]
    public async Task OverLimitBody_FamilyA_413InEnvelopeWithBalanceNothingBilled(string path, bool idempotencyKey)
    {
        var (user, client) = await CallerAsync(500);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonOfSize(100 * 1024) };
        if (idempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        HasExactlyKeys(body, "code", "msg", "current_balance");
        Assert.Equal(413, body.GetProperty("code").GetInt32());
        Assert.Equal("请求体过大（上限 64 KB）", body.GetProperty("msg").GetString());
        Assert.Equal("5.00", body.GetProperty("current_balance").GetString());
        Assert.Equal((500, 500, 1), await _factory.MoneyOfAsync(user.Id));
    }

    [Fact]
    public async Task OverLimitBody_ChunkedWithoutLength_FamilyB_413InEnvelope()
    {
        var (_, client) = await CallerAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"scene\":\"" + new string('s', 100 * 1024) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/h5/qrcode/generate-base64") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        HasExactlyKeys(body, "success", "message", "code", "timestamp");
        Assert.Equal(413, body.GetProperty("code").GetInt32());
        Assert.False(body.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("GET", "/api/h5/nothing-here", 404, "B")]
    [InlineData("GET", "/api/h5/qrcode/generate", 405, "B")]
    [InlineData("GET", "/api/other", 404, "B")]
    [InlineData("GET", "/wx/mini/v1/wx6b698b0251caccff/nothing", 404, "C")]
    [InlineData("POST", "/wx/mini/v1/wx6b698b0251caccff/openId", 405, "C")]
    [InlineData("GET", "/generate-qr", 405, "A")]
    [InlineData("PUT", "/generate-shortlink", 405, "A")]
    [InlineData("DELETE", "/decode-link", 405, "A")]
    public async Task FrameworkNotFoundOrWrongMethod_OnApiPath_JsonInTheFamilysEnvelope(string method, string path, int status, string family)
    {
        var (_, client) = await CallerAsync();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(status, body.GetProperty("code").GetInt32());
        switch (family)
        {
            case "A": HasExactlyKeys(body, "code", "msg"); break;
            case "B": HasExactlyKeys(body, "success", "message", "code", "timestamp"); break;
            default: HasExactlyKeys(body, "code", "success", "msg"); break;
        }
        // A parameterised route's Allow is routing's own (which may add the static-file fallback's GET and HEAD).
        if (status == 405 && family == "C") Assert.Contains("GET", response.Content.Headers.Allow);
        else if (status == 405) Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/apis/h5")]
    [InlineData("/generate-qr/more")]
    public async Task UnknownPathOutsideTheApi_NotAnsweredAsApi(string path)
    {
        using var anonymous = _factory.ApiClient(null);

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.NotEqual("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
    }

    [Fact]
    public async Task Readyz_PerCheckJson_HealthzStaysPlain()
    {
        using var anonymous = _factory.ApiClient(null);

        using var ready = await anonymous.GetAsync("/readyz");
        using var alive = await anonymous.GetAsync("/healthz");

        Assert.True(200 == (int)ready.StatusCode, await ready.Content.ReadAsStringAsync());
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        var report = await ready.ReadJsonAsync();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("durationMs").GetDouble() >= 0);
        var checks = report.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["database", "job-storage", "stopping", "redis"], checks.Select(c => c.GetProperty("name").GetString()));
        foreach (var check in checks)
        {
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            Assert.True(check.GetProperty("durationMs").GetDouble() >= 0);
        }
        Assert.Equal("not configured", checks[3].GetProperty("description").GetString());
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string requestId, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        Assert.True(request.Headers.TryAddWithoutValidation("X-Request-Id", requestId));
        return await client.SendAsync(request);
    }

    private static StringContent JsonOfSize(int bytes) =>
        new($"{{\"longUrl\":\"https://example.com/{new string('z', bytes)}\",\"link\":\"mp://x\"}}", new UTF8Encoding(false), "application/json");
}
