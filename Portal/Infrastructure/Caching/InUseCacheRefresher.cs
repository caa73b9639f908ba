using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Caching;

/// <summary>
/// A cache of database facts that reads the entries in use again together instead of letting each expire and be read
/// on the next request's path. <see cref="InUseCacheRefresher"/> calls <see cref="RefreshInUseAsync"/> every half
/// <see cref="CachingOptions.EntryLifetime"/>.
/// </summary>
public interface IInUseCache
{
    /// <summary>
    /// Reads again, in as few queries as it can (one per thousand keys), every entry used since the last call, and keeps
    /// what it read for another <see cref="CachingOptions.EntryLifetime"/>. Entries whose rows are gone are dropped;
    /// nothing read while a change of the cached facts was heard is stored (the change wins).
    /// </summary>
    /// <returns>How many entries were stored.</returns>
    Task<int> RefreshInUseAsync(CancellationToken ct = default);
}

/// <summary>
/// Every half <see cref="CachingOptions.EntryLifetime"/>, refreshes each <see cref="IInUseCache"/> (API tokens,
/// mini-programs), so busy entries are never read one by one on requests' paths: with a thousand accounts in use, one
/// read each per lifetime cost about a fifth of the billed calls a second on PostgreSQL and most of their p99
/// (docs/performance.md). Does nothing when the lifetime is zero. A failed refresh only logs a warning: the entries then expire
/// and are read one by one, as without it.
/// </summary>
internal sealed class InUseCacheRefresher(IEnumerable<IInUseCache> caches, IOptions<CachingOptions> caching, TimeProvider time,
    ILogger<InUseCacheRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = caching.Value.EntryLifetime / 2;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var cache in caches)
                {
                    try
                    {
                        await cache.RefreshInUseAsync(stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        log.LogWarning(ex, "Refreshing the cached {Cache} entries in use failed", cache.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
