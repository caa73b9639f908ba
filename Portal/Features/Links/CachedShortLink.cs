namespace Portal.Features.Links;

/// <summary>
/// A short link as kept in memory for visitors: its target and limits, the visits written when it was read and those
/// this instance served since (so a maximum number of visits holds between two counter writes).
/// </summary>
internal sealed class CachedShortLink(string longUrl, bool disabled, DateTimeOffset? expiresAt, long? maxVisits, long visitsAtLoad)
{
    private long _served;

    public string LongUrl => longUrl;

    /// <summary>Decides one visit at <paramref name="now"/>; an allowed visit is counted against the maximum.</summary>
    public ShortLinkState Admit(DateTimeOffset now)
    {
        if (disabled) return ShortLinkState.Disabled;
        if (expiresAt is { } e && e <= now) return ShortLinkState.Expired;
        if (maxVisits is not { } max) return ShortLinkState.Active;
        var served = Interlocked.Increment(ref _served);
        if (visitsAtLoad + served <= max) return ShortLinkState.Active;
        Interlocked.Decrement(ref _served);
        return ShortLinkState.Exhausted;
    }
}
