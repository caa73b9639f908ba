using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Links;

/// <summary>
/// Hangfire recurring job <c>links:purge-old-visit-stats</c> (daily): deletes short-link visit statistics of days older
/// than <see cref="LinksOptions.VisitStatsRetentionDays"/>, in chunks, so that it never holds the database's write lock
/// for long. Visit counts on the links stay. Re-entrant.
/// </summary>
public sealed class PurgeOldVisitStatsJob(IDbContextFactory<PortalDbContext> dbFactory, IOptions<LinksOptions> options, TimeProvider time,
    ILogger<PurgeOldVisitStatsJob> log)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "links:purge-old-visit-stats";

    /// <summary>Rows deleted per statement.</summary>
    public const int ChunkSize = 1000;

    /// <summary>Runs one sweep; returns how many statistics rows were deleted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var oldestKept = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-options.Value.VisitStatsRetentionDays);
        var cutoff = DayKey.Of(oldestKept);
        var purged = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var deleted = await db.ShortLinkVisitStats.Where(s => s.Day < cutoff).OrderBy(s => s.Day).Take(ChunkSize).ExecuteDeleteAsync(ct);
            purged += deleted;
            if (deleted < ChunkSize) break;
        }
        if (purged > 0) log.LogInformation("Purged {Count} visit statistics rows of days before {Day}", purged, oldestKept);
        return purged;
    }
}
