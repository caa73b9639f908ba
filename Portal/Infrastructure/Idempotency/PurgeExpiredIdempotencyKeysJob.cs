namespace Portal.Infrastructure.Idempotency;

/// <summary>Hangfire recurring job <c>idempotency:purge-expired</c> (hourly).</summary>
public sealed class PurgeExpiredIdempotencyKeysJob(IdempotencyStore store)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "idempotency:purge-expired";

    /// <summary>Deletes expired keys.</summary>
    public Task<int> RunAsync(CancellationToken ct) => store.PurgeExpiredAsync(ct);
}
