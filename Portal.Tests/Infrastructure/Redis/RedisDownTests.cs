using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Infrastructure.Redis;
using Portal.Tests.Security;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Redis;

/// <summary>Redis going away: Portal keeps serving with per-instance limits and says so in /readyz and the log; back when Redis is.</summary>
public sealed class RedisDownTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly PortalFactory _factory = new();

    public RedisDownTests()
    {
        _factory.Settings["ConnectionStrings:Redis"] = _redis.ConnectionString;
        _factory.Settings["Redis:KeyPrefix"] = $"test-{Guid.NewGuid():N}:";
        _factory.Settings["RateLimiting:PermitsPerSecond"] = "1";
        _factory.Settings["RateLimiting:Burst"] = "3";
        _factory.TestServices.Add(services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    [Fact]
    public async Task RedisKilled_KeepsServingWithLocalLimits_ReadyzAndLogSaySo_ThenRecovers()
    {
        var user = await _factory.CreateUserAsync(10_000);
        var api = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        var redis = _factory.Services.GetRequiredService<RedisConnection>();
        Assert.True(redis.IsAvailable);
        Assert.Equal("Healthy", await RedisCheckAsync());

        _redis.Stop();
        await WaitUntil(() => !redis.IsAvailable);

        var ready = await _factory.CreateClient().GetAsync("/readyz");
        var report = await ready.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)ready.StatusCode);
        var json = JsonDocument.Parse(report).RootElement;
        Assert.Equal("Degraded", json.GetProperty("status").GetString());
        var redisCheck = json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redis");
        Assert.Equal("Degraded", redisCheck.GetProperty("status").GetString());
        Assert.Equal("Redis unavailable: rate limits are per instance", redisCheck.GetProperty("description").GetString());
        Assert.DoesNotContain(_redis.Port.ToString(), report);
        // The client reports the lost connection before its failure event (which writes the warning) has run.
        await WaitUntil(() => _logs.Events.Any(e => e.Level == LogLevel.Warning && e.Text.Contains($"Redis at {_redis.ConnectionString} is unavailable")));

        // This instance's own bucket (3, refilled by 1 a second) still limits; nothing fails with 500.
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
            (int)(await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{i}" })).StatusCode));
        Assert.DoesNotContain(statuses, s => s is not (200 or 429));
        Assert.InRange(statuses.Count(s => s == 200), 3, 3 + (int)Math.Ceiling(clock.Elapsed.TotalSeconds));
        Assert.Contains(429, statuses);

        _redis.Start();
        await WaitUntil(() => redis.IsAvailable);
        Assert.Equal("Healthy", await RedisCheckAsync());
    }

    // Only the redis check is this test's business (the other checks have their own tests).
    private async Task<string?> RedisCheckAsync() =>
        JsonDocument.Parse(await (await _factory.CreateClient().GetAsync("/readyz")).Content.ReadAsStringAsync()).RootElement
            .GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redis").GetProperty("status").GetString();

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        Assert.True(condition(), "condition not met within 20 s");
    }

    public void Dispose()
    {
        _factory.Dispose();
        _redis.Dispose();
    }
}
