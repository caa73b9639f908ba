namespace Portal.Infrastructure.Caching;

/// <summary>
/// Notifications that a cached fact changed (a token revoked, a user suspended, a price set, an app deleted, a short
/// link disabled). Features publish after they commit a change; the in-memory caches of the hot path subscribe and
/// drop the affected entry at once. With Redis configured every change is also sent to the other instances
/// (<see cref="RedisChangeFeedBridge"/>), which apply it the same way; without it, or while Redis is down, their
/// entries expire after the cache's stated lifetime instead (see docs/architecture.md, "Caches").
/// </summary>
public sealed class ChangeFeed
{
    private readonly Lock _gate = new();
    private Action<string, string>[] _handlers = [];

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
        Volatile.Read(ref _forward)?.Invoke(topic, key);
    }

    /// <summary>Applies a change published by another instance: tells the local subscribers only.</summary>
    public void Apply(string topic, string key)
    {
        foreach (var handler in Volatile.Read(ref _handlers)) handler(topic, key);
    }

    private Action<string, string>? _forward;

    /// <summary>Sends every later <see cref="Publish"/> to <paramref name="forward"/> too (the other instances).</summary>
    internal void ForwardTo(Action<string, string> forward) => Volatile.Write(ref _forward, forward);
}

/// <summary>Registers the change feed and the caching options.</summary>
public static class CachingExtensions
{
    /// <summary>Adds <see cref="ChangeFeed"/> and <see cref="CachingOptions"/>.</summary>
    public static IServiceCollection AddCaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CachingOptions>().Bind(configuration.GetSection(CachingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService<RedisChangeFeedBridge>();
        return services;
    }
}
