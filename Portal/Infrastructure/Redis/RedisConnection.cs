using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Portal.Infrastructure.Redis;

/// <summary>Configuration section <c>Redis</c>; the connection itself is <c>ConnectionStrings:Redis</c>.</summary>
public sealed class RedisOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Redis";

    /// <summary>Name of the connection string (<c>ConnectionStrings:Redis</c>, StackExchange.Redis syntax, e.g. <c>10.0.0.7:6379,password=…</c>).</summary>
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Prefix of every key and channel Portal uses in Redis, so several installations (or test runs) can share one
    /// server. Every instance of one installation must use the same. Default <c>portal:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "portal:";
}

/// <summary>
/// The optional connection to Redis, shared by the rate limiter and the change feed. Without
/// <c>ConnectionStrings:Redis</c> nothing connects and every consumer keeps its per-instance behaviour. With it,
/// Portal connects at start-up without waiting for Redis to be up (<c>abortConnect=false</c>) and reconnects on its
/// own; while Redis is unreachable <see cref="IsAvailable"/> is false, the consumers fall back to per-instance
/// behaviour, <c>/readyz</c> reports <c>Degraded</c> and the log says so once per outage. Commands fail fast rather
/// than queue while disconnected. The connection string (it may carry a password) is never logged; only the endpoint.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ILogger<RedisConnection> _log;
    private readonly ConnectionMultiplexer? _multiplexer;
    private int _down;

    /// <summary>Connects when <c>ConnectionStrings:Redis</c> is set.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public RedisConnection(IConfiguration configuration, Microsoft.Extensions.Options.IOptions<RedisOptions> options, ILogger<RedisConnection> log)
    {
        _log = log;
        KeyPrefix = options.Value.KeyPrefix;
        var connectionString = configuration.GetConnectionString(RedisOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString)) return;
        var config = ConfigurationOptions.Parse(connectionString);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase)) config.ConnectTimeout = 2000;
        if (!connectionString.Contains("syncTimeout", StringComparison.OrdinalIgnoreCase)) config.SyncTimeout = 1000;
        if (!connectionString.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase)) config.AsyncTimeout = 1000;
        config.ClientName ??= "portal";
        Endpoint = string.Join(",", config.EndPoints.Select(e => e.ToString()));
        _multiplexer = ConnectionMultiplexer.Connect(config);
        _multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _down, 1) == 0)
                _log.LogWarning("Redis at {Endpoint} is unavailable ({Failure}): rate limits are per instance and changes made on other instances reach this one's caches within Caching:EntryLifetime until it is back",
                    e.EndPoint?.ToString() ?? Endpoint, e.FailureType);
        };
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive && Interlocked.Exchange(ref _down, 0) == 1)
                _log.LogInformation("Redis at {Endpoint} is available again: rate limits and cache changes are shared across instances",
                    e.EndPoint?.ToString() ?? Endpoint);
        };
        if (_multiplexer.IsConnected)
        {
            _log.LogInformation("Redis at {Endpoint}: rate limits and cache changes are shared across instances", Endpoint);
        }
        else if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            _log.LogWarning("Redis at {Endpoint} is unavailable at start-up: rate limits are per instance until it is reachable", Endpoint);
        }
    }

    /// <summary>True when <c>ConnectionStrings:Redis</c> is set.</summary>
    public bool IsConfigured => _multiplexer is not null;

    /// <summary>True when configured and connected right now.</summary>
    public bool IsAvailable => _multiplexer?.IsConnected == true;

    /// <summary>The multiplexer (null when not configured).</summary>
    public IConnectionMultiplexer? Multiplexer => _multiplexer;

    /// <summary>See <see cref="RedisOptions.KeyPrefix"/>.</summary>
    public string KeyPrefix { get; }

    /// <summary>The configured endpoints, for messages (never the password).</summary>
    public string Endpoint { get; } = "";

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null) await _multiplexer.DisposeAsync();
    }
}

/// <summary>
/// Readiness: Healthy without Redis or with it; Degraded (still 200) while a configured Redis is unreachable. The
/// answer is public, so it does not name Redis's address (the log does).
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!redis.IsConfigured ? HealthCheckResult.Healthy("not configured")
            : redis.IsAvailable ? HealthCheckResult.Healthy("connected")
            : HealthCheckResult.Degraded("Redis unavailable: rate limits are per instance"));
}

/// <summary>Registers the optional Redis connection.</summary>
public static class RedisExtensions
{
    /// <summary>Adds <see cref="RedisConnection"/> (connected at start-up when configured) and its options.</summary>
    public static IServiceCollection AddRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RedisConnection>();
        return services;
    }
}
