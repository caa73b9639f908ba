namespace Portal.Features.WeChat;

/// <summary>Hangfire recurring job <c>wechat:purge-expired-sessions</c> (hourly): deletes expired seed-003 sessions. Re-entrant.</summary>
public sealed class PurgeExpiredWeChatSessionsJob(WeChatSessionService sessions, ILogger<PurgeExpiredWeChatSessionsJob> log)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "wechat:purge-expired-sessions";

    /// <summary>Runs one sweep; returns how many sessions were deleted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var purged = await sessions.PurgeExpiredAsync(ct);
        if (purged > 0) log.LogInformation("Purged {Count} expired WeChat sessions", purged);
        return purged;
    }
}
