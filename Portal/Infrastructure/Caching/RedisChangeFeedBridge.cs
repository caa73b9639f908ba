using Portal.Infrastructure.Redis;
using StackExchange.Redis;

namespace Portal.Infrastructure.Caching;

/// <summary>
/// Applies the changes other processes publish on <c>{KeyPrefix}changes</c> (see <see cref="ChangeFeed"/>) to this
/// instance's caches, so that a token revoked or a price set elsewhere drops the cached entry here within
/// milliseconds. A message is <c>instance-id LF topic LF key</c>; an instance ignores its own. Does nothing without
/// Redis. Pub/sub keeps no messages: a change published while Redis (or this subscription) is down is not replayed,
/// and the entries it concerned expire after <c>Caching:EntryLifetime</c> as without Redis.
/// </summary>
internal sealed class RedisChangeFeedBridge(RedisConnection redis, ChangeFeed feed, ILogger<RedisChangeFeedBridge> log) : IHostedService
{
    private readonly Lock _gate = new();
    private bool _subscribed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis.Multiplexer is not { } multiplexer) return Task.CompletedTask;
        multiplexer.ConnectionRestored += (_, _) => EnsureSubscribed();
        EnsureSubscribed();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void EnsureSubscribed()
    {
        lock (_gate)
        {
            if (_subscribed || !redis.IsAvailable) return;
            try
            {
                redis.Multiplexer!.GetSubscriber().Subscribe(ChangeFeed.Channel(redis), (_, message) => Receive(message));
                _subscribed = true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                log.LogWarning(ex, "Subscribing to cache changes on Redis failed; retried when the connection is restored");
            }
        }
    }

    private void Receive(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('\n', 3);
        if (parts.Length != 3 || parts[0] == feed.InstanceId) return;
        try
        {
            feed.Apply(parts[1], parts[2]);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Applying a {Topic} change from another instance failed", parts[1]);
        }
    }
}
