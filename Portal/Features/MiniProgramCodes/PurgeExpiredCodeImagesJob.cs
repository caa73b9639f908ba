namespace Portal.Features.MiniProgramCodes;

/// <summary>Hangfire recurring job <c>codes:purge-expired</c> (hourly): deletes code images past their retention. Re-entrant.</summary>
public sealed class PurgeExpiredCodeImagesJob(MiniProgramCodeStore store, ILogger<PurgeExpiredCodeImagesJob> log)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "codes:purge-expired";

    /// <summary>Runs one purge. Returns how many images were deleted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var deleted = await store.PurgeExpiredAsync(ct);
        if (deleted > 0) log.LogInformation("Purged {Count} expired mini-program code images", deleted);
        return deleted;
    }
}
