using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Redis;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Redis;

/// <summary>
/// Two instances (two hosts on one database) sharing a throwaway redis-server: the rate limits hold for both together,
/// and a change made on one reaches the other's caches through pub/sub well within a second (the caches' own lifetime
/// is 5 s, so only Redis can explain it).
/// </summary>
public sealed class SharedAcrossInstancesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly List<PortalFactory> _factories = [];

    private (PortalFactory A, PortalFactory B) TwoInstances(Dictionary<string, string?> settings)
    {
        var database = PortalFactory.NewDatabaseName();
        var prefix = $"test-{Guid.NewGuid():N}:";
        var a = new PortalFactory(database, deleteOnDispose: true);
        var b = new PortalFactory(database, deleteOnDispose: false);
        foreach (var factory in new[] { a, b })
        {
            factory.Settings["ConnectionStrings:Redis"] = redis.Server.ConnectionString;
            factory.Settings["Redis:KeyPrefix"] = prefix;
            foreach (var (key, value) in settings) factory.Settings[key] = value;
        }
        _ = a.Services; // A migrates the database before B starts on it
        _ = b.Services;
        _factories.AddRange([b, a]);
        return (a, b);
    }

    [Fact]
    public async Task TokenLimit_TwoInstances_TogetherLetThroughOneBucketOnly()
    {
        var (a, b) = TwoInstances(new() { ["RateLimiting:PermitsPerSecond"] = "1", ["RateLimiting:Burst"] = "5" });
        var user = await a.CreateUserAsync(10_000);
        var token = await a.IssueTokenAsync(user);

        var (served, limited, elapsed) = await FireAsync(a.ApiClient(token), b.ApiClient(token), 12);

        // One bucket of 5, plus 1 token per second that passed; two per-instance buckets would serve 10.
        Assert.InRange(served, 5, 5 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.Equal(24 - served, limited);
    }

    [Fact]
    public async Task UserLimit_TwoTokensOnTwoInstances_TogetherLetThroughOneBucketOnly()
    {
        var (a, b) = TwoInstances(new() { ["RateLimiting:UserPermitsPerSecond"] = "1", ["RateLimiting:UserBurst"] = "4" });
        var user = await a.CreateUserAsync(10_000);

        var (served, limited, elapsed) = await FireAsync(a.ApiClient(await a.IssueTokenAsync(user, "one")), b.ApiClient(await b.IssueTokenAsync(user, "two")), 10);

        Assert.InRange(served, 4, 4 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.Equal(20 - served, limited);
    }

    [Fact]
    public async Task RevokeOnA_TokenCachedOnB_RefusedOnBWithinOneSecond()
    {
        var (a, b) = TwoInstances([]);
        var user = await a.CreateUserAsync(10_000);
        var issued = await a.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "live", null);
        var onB = b.ApiClient(issued.Secret);
        Assert.Equal(200, (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/cached" })).Status);

        Assert.True(await a.Services.GetRequiredService<ApiTokenService>().RevokeAnyAsync(issued.Token.Id));
        var clock = Stopwatch.StartNew();
        int status;
        while ((status = (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/after" })).Status) == 200
               && clock.Elapsed < TimeSpan.FromSeconds(3))
            await Task.Delay(20);

        Assert.Equal(401, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"B refused only after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task RevokeFromAProcessWithoutHost_LikeTheAdminCli_RefusedOnBWithinOneSecond()
    {
        var (a, b) = TwoInstances([]);
        var user = await a.CreateUserAsync(10_000);
        var issued = await a.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "live", null);
        var onB = b.ApiClient(issued.Secret);
        Assert.Equal(200, (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/cached" })).Status);

        // What `admin tokens revoke` does: write the database, publish on a feed of its own (no host, no subscription).
        await using (var db = await a.DbAsync())
        {
            (await db.ApiTokens.SingleAsync(t => t.Id == issued.Token.Id)).Revoke(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.Server.ConnectionString,
        }).Build();
        await using var cliRedis = new RedisConnection(configuration, Options.Create(new RedisOptions { KeyPrefix = a.Services.GetRequiredService<RedisConnection>().KeyPrefix }),
            NullLogger<RedisConnection>.Instance);
        new ChangeFeed(cliRedis, NullLogger<ChangeFeed>.Instance).Publish(ApiTokenService.Topic, issued.Token.Id.ToString());

        var clock = Stopwatch.StartNew();
        int status;
        while ((status = (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/after" })).Status) == 200
               && clock.Elapsed < TimeSpan.FromSeconds(3))
            await Task.Delay(20);
        Assert.Equal(401, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"B refused only after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task PriceSetOnA_PriceCachedOnB_ChargedOnBWithinOneSecond()
    {
        var (a, b) = TwoInstances([]);
        var user = await a.CreateUserAsync(10_000);
        var onB = b.ApiClient(await a.IssueTokenAsync(user));
        Assert.Equal(200, (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/0" })).Status);
        var before = (await b.MoneyOfAsync(user.Id)).Balance;
        await a.Services.GetRequiredService<BillingLedger>().SetPriceAsync(BillableProducts.ShortLinkCreate, 37);
        var clock = Stopwatch.StartNew();
        long charged;
        var i = 0;
        do
        {
            var balance = (await b.MoneyOfAsync(user.Id)).Balance;
            Assert.Equal(200, (await onB.PostJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{++i}" })).Status);
            charged = balance - (await b.MoneyOfAsync(user.Id)).Balance;
        } while (charged != 37 && clock.Elapsed < TimeSpan.FromSeconds(3));

        Assert.Equal(37, charged);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"B charged the new price only after {clock.ElapsedMilliseconds} ms (from {before})");
    }

    private static async Task<(int Served, int Limited, TimeSpan Elapsed)> FireAsync(HttpClient a, HttpClient b, int each)
    {
        var clock = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, each).SelectMany(i => new[] { a, b }.Select(async client =>
            (int)(await client.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{Guid.NewGuid():N}" })).StatusCode));
        var statuses = await Task.WhenAll(calls);
        var elapsed = clock.Elapsed;
        Assert.DoesNotContain(statuses, s => s is not (200 or 429));
        return (statuses.Count(s => s == 200), statuses.Count(s => s == 429), elapsed);
    }

    public void Dispose()
    {
        foreach (var factory in _factories) factory.Dispose();
    }
}

/// <summary>One throwaway redis-server for a test class.</summary>
public sealed class RedisServerFixture : IDisposable
{
    /// <summary>The server.</summary>
    public RedisServer Server { get; } = new();

    /// <summary>Stops it.</summary>
    public void Dispose() => Server.Dispose();
}
