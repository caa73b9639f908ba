namespace Portal.Features.Links;

/// <summary>A short link served by Portal at <c>{PublicBaseUrl}/s/{Code}</c> (seed 002 §3).</summary>
public sealed class ShortLink
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Unique base62 code (7 chars).</summary>
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

    /// <summary>The admin who disabled it.</summary>
    public string? DisabledByUserId { get; init; }
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
