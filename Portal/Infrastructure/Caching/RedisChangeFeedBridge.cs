using Portal.Infrastructure.Redis;
using StackExchange.Redis;

namespace Portal.Infrastructure.Caching;

/// <summary>
/// Carries <see cref="ChangeFeed"/> changes between instances over Redis pub/sub (channel
/// <c>{KeyPrefix}changes</c>), so that a token revoked or a price set on one instance drops the cached entry on every
/// instance within milliseconds. A message is <c>instance-id LF topic LF key</c>; an instance ignores its own. Does
/// nothing without Redis. Pub/sub does not keep messages: a change published while Redis (or this instance's
/// subscription) is down is not replayed, and the entries it concerned expire after <c>Caching:EntryLifetime</c> as
/// without Redis.
/// </summary>
internal sealed class RedisChangeFeedBridge(RedisConnection redis, ChangeFeed feed, ILogger<RedisChangeFeedBridge> log) : IHostedService
{
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private bool _subscribed;

    private RedisChannel Channel => RedisChannel.Literal(redis.KeyPrefix + "changes");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis.Multiplexer is not { } multiplexer) return Task.CompletedTask;
        multiplexer.ConnectionRestored += (_, _) => EnsureSubscribed();
        EnsureSubscribed();
        feed.ForwardTo(Forward);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Forward(string topic, string key)
    {
        if (!redis.IsAvailable) return;
        try
        {
            redis.Multiplexer!.GetSubscriber().Publish(Channel, $"{_instance}\n{topic}\n{key}", CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            log.LogWarning(ex, "A {Topic} change could not be sent to the other instances; their cached copies expire within Caching:EntryLifetime", topic);
        }
    }

    private void EnsureSubscribed()
    {
        lock (_gate)
        {
            if (_subscribed || !redis.IsAvailable) return;
            try
            {
                redis.Multiplexer!.GetSubscriber().Subscribe(Channel, (_, message) => Receive(message));
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
        if (parts.Length != 3 || parts[0] == _instance) return;
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
