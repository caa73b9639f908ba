namespace Portal.Infrastructure.Caching;

/// <summary>
/// In-process notifications that a cached fact changed (a token revoked, a user suspended, a price set, an app
/// deleted, a short link disabled). Features publish after they commit a change; the in-memory caches of the hot
/// path subscribe and drop the affected entry at once. Other instances do not hear these: their entries expire after
/// the cache's stated lifetime instead (see docs/architecture.md, "Caches").
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
        foreach (var handler in Volatile.Read(ref _handlers)) handler(topic, key);
    }
}

/// <summary>Registers the change feed and the caching options.</summary>
public static class CachingExtensions
{
    /// <summary>Adds <see cref="ChangeFeed"/> and <see cref="CachingOptions"/>.</summary>
    public static IServiceCollection AddCaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CachingOptions>().Bind(configuration.GetSection(CachingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChangeFeed>();
        return services;
    }
}
