using System.Net.Http.Json;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure;

public sealed class RateLimitingTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public RateLimitingTests()
    {
        _factory.Settings["RateLimiting:PermitsPerSecond"] = "1";
        _factory.Settings["RateLimiting:Burst"] = "3";
    }

    [Fact]
    public async Task BurstAboveBucket_Gets429WithHeadersInEnvelope_AndOnlyServedCallsAreBilled()
    {
        var user = await _factory.CreateUserAsync(1000);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++) responses.Add(await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{i}" }));

        var limited = responses.Where(r => (int)r.StatusCode == 429).ToList();
        Assert.NotEmpty(limited);
        var first = limited[0];
        Assert.True(first.Headers.RetryAfter is not null || first.Headers.Contains("Retry-After"));
        Assert.Equal("3", first.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.Equal("0", first.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.True(first.Headers.Contains("X-RateLimit-Reset"));
        var body = await first.ReadJsonAsync();
        Assert.Equal(429, body.GetProperty("code").GetInt32());
        Assert.True(body.TryGetProperty("current_balance", out _));

        var served = responses.Count(r => (int)r.StatusCode == 200);
        var money = await _factory.MoneyOfAsync(user.Id);
        Assert.Equal(1000 - 10 * served, money.Balance);
        Assert.Equal(money.Balance, money.LedgerSum);
    }

    [Fact]
    public async Task PublicRedirects_AreNotLimitedByTheApiBucket()
    {
        using var client = _factory.ApiClient(null);
        for (var i = 0; i < 6; i++)
            Assert.Equal(404, (int)(await client.GetAsync("/s/zzzzzzz")).StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
