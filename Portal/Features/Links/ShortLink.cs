namespace Portal.Features.Links;

/// <summary>A short link served by Portal at <c>{PublicBaseUrl}/s/{Code}</c> (seed 002 §3).</summary>
public sealed class ShortLink
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>
    /// Unique code: 7 random base62 characters, or a slug the owner chose (<see cref="ShortLinkSlug"/>: 3–32 of
    /// <c>A–Z a–z 0–9 - _</c>, reserved words refused). Never changes.
    /// </summary>
    public required string Code { get; init; }

    /// <summary>Owner.</summary>
    public required string UserId { get; init; }

    /// <summary>Absolute http(s) target, ≤ 2048 chars.</summary>
    public required string LongUrl { get; init; }

    /// <summary>Redirects served.</summary>
    public long VisitCount { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last visit (UTC).</summary>
    public DateTimeOffset? LastVisitedAt { get; init; }

    /// <summary>When an admin disabled the link (UTC); visitors then see a notice instead of the redirect.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Who disabled it: an admin, or the owner (then equal to <see cref="UserId"/>).</summary>
    public string? DisabledByUserId { get; init; }

    /// <summary>The owner's label (≤ 100 chars), or null.</summary>
    public string? Title { get; init; }

    /// <summary>The owner's tags joined by commas (see <see cref="ShortLinkTags"/>), or null.</summary>
    public string? Tags { get; init; }

    /// <summary>After this instant (UTC) visitors get a 410 page instead of the redirect; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Redirects served before visitors get a 410 page instead; null for unlimited.</summary>
    public long? MaxVisits { get; init; }

    /// <summary>
    /// When the owner deleted it (UTC): visitors get a 404 and the owner no longer sees it, while the row stays for the
    /// charge that created it, and its code stays taken so that nobody else can take over its visitors.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>
/// Visits of one short link on one UTC day from one referrer host and one class of device — the only visit detail
/// kept (no IP address, no full referrer, no user agent). Gathered in memory and written with the visit counts.
/// </summary>
public sealed class ShortLinkVisitStat
{
    /// <summary>The link's <see cref="ShortLink.Code"/>.</summary>
    public required string Code { get; init; }

    /// <summary>UTC day as <c>yyyyMMdd</c>, e.g. <c>20261205</c>.</summary>
    public int Day { get; init; }

    /// <summary>Lower-case host of the <c>Referer</c> header (≤ 100 chars), or empty for none (typed, app, QR scan).</summary>
    public required string ReferrerHost { get; init; }

    /// <summary>Device class from the <c>User-Agent</c> (<see cref="VisitorDevices.Classify"/>).</summary>
    public VisitorDevice Device { get; init; }

    /// <summary>Visits counted.</summary>
    public long Visits { get; init; }
}

/// <summary>
/// A mini-program link <c>mp://{Code}</c> mapping to an AppID and a page path (seed 002 §1–2); opened from a
/// phone browser through <c>{PublicBaseUrl}/m/{Code}</c>.
/// </summary>
public sealed class MiniProgramLink
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Unique base62 code (15 chars, as in the seed's example <c>mp://ilhyu3rfOgfbCYy</c>).</summary>
    public required string Code { get; init; }

    /// <summary>Owner.</summary>
    public required string UserId { get; init; }

    /// <summary>Mini-program AppID, e.g. <c>wx6b698b0251caccff</c>.</summary>
    public required string AppId { get; init; }

    /// <summary>Page path without a leading slash, possibly with a query, e.g. <c>pages/index/index?id=1</c>.</summary>
    public required string PagePath { get; init; }

    /// <summary>Times the landing page was opened.</summary>
    public long VisitCount { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
