using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Idempotency;

/// <summary>Configuration section <c>Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Idempotency";

    /// <summary>How long a key is remembered. Default and minimum 24 hours.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An InProgress key older than this is treated as abandoned (its process died) and may be taken over. Default 5 minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>What <see cref="IdempotencyStore.BeginAsync"/> decided.</summary>
public enum IdempotencyDecision
{
    /// <summary>First use (or take-over of an abandoned one): run the request.</summary>
    Run,
    /// <summary>Same key, same request, finished: replay the stored response.</summary>
    Replay,
    /// <summary>Same key, different request: 422.</summary>
    Mismatch,
    /// <summary>Same key, the first request still running: 409.</summary>
    InFlight,
}

/// <summary>Persistence of idempotency keys; every transition is one guarded statement.</summary>
public sealed class IdempotencyStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, Microsoft.Extensions.Options.IOptions<IdempotencyOptions> options)
{
    /// <summary>Claims <paramref name="key"/> for this request, or says why not.</summary>
    /// <exception cref="DbUpdateException">The key could not be stored for a reason other than a concurrent insert.</exception>
    public async Task<(IdempotencyDecision Decision, IdempotencyRecord? Record)> BeginAsync(Guid tokenId, string key, string requestHash, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var retention = options.Value.Retention < TimeSpan.FromHours(24) ? TimeSpan.FromHours(24) : options.Value.Retention;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var existing = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.ApiTokenId == tokenId && r.Key == key, ct);
            if (existing is null)
            {
                var record = new IdempotencyRecord
                {
                    Id = Guid.CreateVersion7(now), ApiTokenId = tokenId, Key = key, RequestHash = requestHash,
                    Status = IdempotencyStatus.InProgress, StartedAt = now, ExpiresAt = now + retention,
                };
                db.IdempotencyRecords.Add(record);
                try
                {
                    await db.SaveChangesAsync(ct);
                    return (IdempotencyDecision.Run, record);
                }
                catch (DbUpdateException) when (attempt < 2)
                {
                    continue; // a concurrent request with the same key inserted first: decide against its row
                }
            }
            if (existing.ExpiresAt <= now)
            {
                await db.IdempotencyRecords.Where(r => r.Id == existing.Id && r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
                continue;
            }
            if (existing.RequestHash != requestHash) return (IdempotencyDecision.Mismatch, existing);
            if (existing.Status == IdempotencyStatus.Completed) return (IdempotencyDecision.Replay, existing);

            var abandoned = now - options.Value.AbandonAfter;
            var takenOver = await db.IdempotencyRecords
                .Where(r => r.Id == existing.Id && r.Status == IdempotencyStatus.InProgress && r.StartedAt < abandoned)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.StartedAt, now), ct);
            return takenOver == 1 ? (IdempotencyDecision.Run, existing) : (IdempotencyDecision.InFlight, existing);
        }
        return (IdempotencyDecision.InFlight, null);
    }

    /// <summary>Forgets an InProgress key whose request did nothing worth replaying (rejected, or failed before work).</summary>
    public async Task ReleaseAsync(Guid recordId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.IdempotencyRecords.Where(r => r.Id == recordId && r.Status == IdempotencyStatus.InProgress).ExecuteDeleteAsync();
    }

    /// <summary>Deletes expired keys. Returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IdempotencyRecords.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }
}

/// <summary>Registers idempotency keys.</summary>
public static class IdempotencyExtensions
{
    /// <summary>Adds the store and options.</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services)
    {
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IdempotencyStore>();
        return services;
    }
}
