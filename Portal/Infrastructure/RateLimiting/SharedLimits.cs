using System.Threading.RateLimiting;
using Portal.Infrastructure.Redis;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Portal.Infrastructure.RateLimiting;

/// <summary>
/// Builds the limiter partitions of <see cref="ApiRateLimiting"/>. Without Redis: the in-memory token bucket or fixed
/// window of each partition, exactly as a single instance has them. With Redis: a limiter kept in Redis by
/// RedisRateLimiting (one Lua script per request, atomic on the server, so N instances together allow one limit's
/// worth), and an in-memory one used instead while Redis is unreachable, so Portal keeps serving with per-instance
/// limits. Keys are <c>rl:tb:{{KeyPrefix}partition}</c> and <c>rl:fw:…</c>, and expire on their own.
/// </summary>
public sealed class SharedLimits(RedisConnection redis)
{
    /// <summary>A token bucket of <paramref name="burst"/> tokens refilled by <paramref name="perSecond"/> every second.</summary>
    public RateLimitPartition<string> TokenBucket(string key, int perSecond, int burst)
    {
        var local = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst), TokensPerPeriod = Math.Max(1, perSecond), ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        };
        if (!redis.IsConfigured) return RateLimitPartition.GetTokenBucketLimiter(key, _ => local);
        return RateLimitPartition.Get(key, k => new RedisOrLocalLimiter(redis,
            new RedisTokenBucketRateLimiter<string>(redis.KeyPrefix + k, new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = Multiplexer, TokenLimit = local.TokenLimit, TokensPerPeriod = local.TokensPerPeriod,
                ReplenishmentPeriod = local.ReplenishmentPeriod,
            }),
            new TokenBucketRateLimiter(local)));
    }

    /// <summary>At most <paramref name="permits"/> requests per fixed <paramref name="window"/>.</summary>
    public RateLimitPartition<string> FixedWindow(string key, int permits, TimeSpan window)
    {
        var local = new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permits), Window = window, QueueLimit = 0, AutoReplenishment = true };
        if (!redis.IsConfigured) return RateLimitPartition.GetFixedWindowLimiter(key, _ => local);
        return RateLimitPartition.Get(key, k => new RedisOrLocalLimiter(redis,
            new RedisFixedWindowRateLimiter<string>(redis.KeyPrefix + k, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = Multiplexer, PermitLimit = local.PermitLimit, Window = window,
            }),
            new FixedWindowRateLimiter(local)));
    }

    private IConnectionMultiplexer Multiplexer() => redis.Multiplexer!;
}

/// <summary>
/// The Redis limiter while Redis answers, the in-memory one otherwise (not connected, or a command failed). Redis
/// limiters answer only asynchronously, so the synchronous attempt that ASP.NET Core's middleware makes first is
/// declined here without taking anything; the middleware then acquires asynchronously, once.
/// </summary>
internal sealed class RedisOrLocalLimiter(RedisConnection redis, RateLimiter shared, RateLimiter local) : RateLimiter
{
    public override TimeSpan? IdleDuration =>
        shared.IdleDuration is { } a && local.IdleDuration is { } b ? (a < b ? a : b) : null;

    private long _sharedRemaining = -1;

    /// <remarks>While Redis answers, the permits left are the ones its last answer for this partition stated.</remarks>
    public override RateLimiterStatistics? GetStatistics() =>
        redis.IsAvailable && Interlocked.Read(ref _sharedRemaining) is >= 0 and var remaining
            ? new RateLimiterStatistics { CurrentAvailablePermits = remaining }
            : local.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        permitCount == 0 ? Lease.Granted : Lease.Declined;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (redis.IsAvailable)
        {
            try
            {
                using var lease = await shared.AcquireAsync(permitCount, cancellationToken);
                if (lease.TryGetMetadata(RateLimitMetadataName.Remaining, out var remaining)) Interlocked.Exchange(ref _sharedRemaining, Convert.ToInt64(remaining));
                if (lease.IsAcquired) return Lease.Granted;
                return new Lease(false, lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(Math.Max(1, seconds)) : null);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis went away mid-request: this request is counted here, as every later one until it is back.
            }
        }
        return await local.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await shared.DisposeAsync();
        await local.DisposeAsync();
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Declined = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
