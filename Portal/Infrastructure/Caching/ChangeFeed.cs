using Portal.Infrastructure.Redis;
using StackExchange.Redis;

namespace Portal.Infrastructure.Caching;

/// <summary>
/// Notifications that a cached fact changed (a token revoked, a user suspended, a price set, an app deleted, a short
/// link disabled). Features publish after they commit a change; the in-memory caches of the hot path subscribe and
/// drop the affected entry at once. With Redis configured every change is also published on the channel
/// <c>{KeyPrefix}changes</c> — from a serving instance or from the admin CLI alike — and every other instance applies
/// it the same way (<see cref="RedisChangeFeedBridge"/>); without Redis, or while it is down, their entries expire
/// after the cache's stated lifetime instead (see docs/architecture.md, "Caches").
/// </summary>
public sealed class ChangeFeed
{
    private readonly Lock _gate = new();
    private readonly RedisConnection? _redis;
    private readonly ILogger<ChangeFeed>? _log;
    private Action<string, string>[] _handlers = [];

    /// <summary>A feed for this process only.</summary>
    public ChangeFeed() { }

    /// <summary>A feed that also publishes through <paramref name="redis"/> when it is configured and reachable.</summary>
    public ChangeFeed(RedisConnection redis, ILogger<ChangeFeed> log)
    {
        _redis = redis;
        _log = log;
    }

    /// <summary>This process's id in published messages (a message with it is not applied twice).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The Redis channel of changes for <paramref name="redis"/>'s key prefix.</summary>
    internal static RedisChannel Channel(RedisConnection redis) => RedisChannel.Literal(redis.KeyPrefix + "changes");

    /// <summary>Subscribes <paramref name="handler"/> (topic, key) for the life of the process.</summary>
    public void Subscribe(Action<string, string> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
    }

    /// <summary>Tells every subscriber that <paramref name="key"/> of <paramref name="topic"/> changed.</summary>
    /// <param name="topic">What kind of fact, e.g. <c>user</c>, <c>api-token</c>, <c>price</c>.</param>
    /// <param name="key">Which one (a user id, a token id, a product code…); empty for "all of this topic".</param>
    public void Publish(string topic, string key)
    {
        Apply(topic, key);
        if (_redis is not { IsAvailable: true }) return;
        try
        {
            // Waits for Redis's answer (well under a millisecond on a LAN, at most its sync timeout): changes are rare,
            // and the admin CLI exits right after publishing.
            _redis.Multiplexer!.GetSubscriber().Publish(Channel(_redis), $"{InstanceId}\n{topic}\n{key}");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _log?.LogWarning(ex, "A {Topic} change could not be sent to the other instances; their cached copies expire within Caching:EntryLifetime", topic);
        }
    }

    /// <summary>Applies a change published by another process: tells the local subscribers only.</summary>
    public void Apply(string topic, string key)
    {
        foreach (var handler in Volatile.Read(ref _handlers)) handler(topic, key);
    }
}

/// <summary>Registers the change feed and the caching options.</summary>
public static class CachingExtensions
{
    /// <summary>
    /// Adds <see cref="ChangeFeed"/>, its Redis subscription, <see cref="CachingOptions"/> and the refresher of every
    /// registered <see cref="IInUseCache"/>.
    /// </summary>
    public static IServiceCollection AddCaching(this IServiceCollection services)
    {
        services.AddOptions<CachingOptions>().BindConfiguration(CachingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<RedisChangeFeedBridge>();
        services.AddHostedService<InUseCacheRefresher>();
        return services;
    }
}
