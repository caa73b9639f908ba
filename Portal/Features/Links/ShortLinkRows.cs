using Portal.Features.Billing.Ledger;

namespace Portal.Features.Links;

/// <summary>A short link as listed to its owner.</summary>
/// <param name="Id">The link's id.</param>
/// <param name="Code">Random code or chosen slug.</param>
/// <param name="LongUrl">Target.</param>
/// <param name="VisitCount">Redirects served (written once a second, see <see cref="CoalescedCounters"/>).</param>
/// <param name="CreatedAt">Created (UTC).</param>
/// <param name="LastVisitedAt">Last redirect (UTC).</param>
public sealed record ShortLinkRow(Guid Id, string Code, string LongUrl, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? LastVisitedAt)
{
    /// <summary>The owner's label, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Expiry (UTC), or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Maximum visits, or null for unlimited.</summary>
    public long? MaxVisits { get; init; }

    /// <summary>When it was disabled (by the owner or an admin), or null.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>True when an admin (not the owner) disabled it: the owner cannot enable it again.</summary>
    public bool DisabledByAdmin { get; init; }

    /// <summary>What a visitor gets now, at <paramref name="now"/>.</summary>
    public ShortLinkState StateAt(DateTimeOffset now) => ShortLinkStates.At(DisabledAt, ExpiresAt, MaxVisits, VisitCount, now);
}

/// <summary>How a link's stored limits decide what its visitor gets.</summary>
public static class ShortLinkStates
{
    /// <summary>
    /// Disabled before anything else, then expired (<paramref name="expiresAt"/> at or before <paramref name="now"/>),
    /// then exhausted (<paramref name="visitCount"/> has reached <paramref name="maxVisits"/>), else active.
    /// </summary>
    public static ShortLinkState At(DateTimeOffset? disabledAt, DateTimeOffset? expiresAt, long? maxVisits, long visitCount, DateTimeOffset now) =>
        disabledAt is not null ? ShortLinkState.Disabled
        : expiresAt is { } e && e <= now ? ShortLinkState.Expired
        : maxVisits is { } max && visitCount >= max ? ShortLinkState.Exhausted
        : ShortLinkState.Active;
}

/// <summary>What a visitor of a short link gets.</summary>
public enum ShortLinkState
{
    /// <summary>The redirect.</summary>
    Active,

    /// <summary>A 410 page: the owner or an admin disabled it.</summary>
    Disabled,

    /// <summary>A 410 page: past its expiry.</summary>
    Expired,

    /// <summary>A 410 page: its maximum number of visits was reached.</summary>
    Exhausted,
}

/// <summary>Visits of one short link over a range of days.</summary>
/// <param name="Days">Each UTC day of the range, oldest first, with its visits (zero included).</param>
/// <param name="Referrers">Visits per referrer host (empty string: none), most first.</param>
/// <param name="Devices">Visits per device class, most first.</param>
public sealed record ShortLinkStats(IReadOnlyList<(DateOnly Day, long Visits)> Days, IReadOnlyList<(string Host, long Visits)> Referrers,
    IReadOnlyList<(VisitorDevice Device, long Visits)> Devices)
{
    /// <summary>Visits in the range.</summary>
    public long Total => Days.Sum(d => d.Visits);
}

/// <summary>A short link as listed to admins, with its owner and state.</summary>
public sealed record AdminShortLinkRow(Guid Id, string Code, string LongUrl, string OwnerEmail, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt)
{
    /// <summary>The owner's label, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Expiry (UTC), or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Maximum visits, or null for unlimited.</summary>
    public long? MaxVisits { get; init; }

    /// <summary>True when an admin (not the owner) disabled it.</summary>
    public bool DisabledByAdmin { get; init; }

    /// <summary>When the owner deleted it (visitors get 404; its money records stay), or null.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>What a visitor gets now, at <paramref name="now"/> (a deleted link is not found at all).</summary>
    public ShortLinkState StateAt(DateTimeOffset now) => ShortLinkStates.At(DisabledAt, ExpiresAt, MaxVisits, VisitCount, now);
}

/// <summary>What a visitor of <c>/s/{code}</c> gets.</summary>
/// <param name="Target">The long URL to redirect to, when <paramref name="State"/> is <see cref="ShortLinkState.Active"/>.</param>
/// <param name="State">Redirect, or why not.</param>
public sealed record ShortLinkVisit(string? Target, ShortLinkState State)
{
    /// <summary>True when the link exists but was disabled.</summary>
    public bool Disabled => State == ShortLinkState.Disabled;
}

/// <summary>A mini-program link as listed to its owner.</summary>
public sealed record MiniProgramLinkRow(Guid Id, string Code, string AppId, string PagePath, long VisitCount, DateTimeOffset CreatedAt);
