using Microsoft.Extensions.Options;
using Portal.Infrastructure.Caching;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Every half <see cref="CachingOptions.EntryLifetime"/>, reads the facts of the tokens in use again in one query
/// (<see cref="ApiTokenService.RefreshInUseAsync"/>), so busy tokens are never read one by one on requests' paths:
/// with a thousand tokens in use, one read each per lifetime cost about a fifth of the billed calls a second on
/// PostgreSQL and most of their p99 (README, "Performance"). Does nothing when the lifetime is zero.
/// </summary>
internal sealed class ApiTokenCacheRefresher(ApiTokenService tokens, IOptions<CachingOptions> caching, TimeProvider time,
    ILogger<ApiTokenCacheRefresher> log) : BackgroundService
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
                try
                {
                    await tokens.RefreshInUseAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The entries then expire and are read one by one, as without the refresher.
                    log.LogWarning(ex, "Refreshing the cached API tokens failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
