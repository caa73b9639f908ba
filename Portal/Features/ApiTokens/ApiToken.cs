using System.Linq.Expressions;

namespace Portal.Features.ApiTokens;

/// <summary>
/// An API token. Only the SHA-256 hash of the secret is stored; the secret is shown once at creation
/// (like GitHub's and Stripe's keys). The display prefix and the last four characters identify it in lists.
/// </summary>
public sealed class ApiToken
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Owner.</summary>
    public required string UserId { get; init; }

    /// <summary>Owner's label (1–100 chars).</summary>
    public required string Name { get; init; }

    /// <summary>The first characters of the token, e.g. <c>wxp_7Hq2xY</c>, for recognising it in lists.</summary>
    public required string Prefix { get; init; }

    /// <summary>The last four characters of the token.</summary>
    public required string Last4 { get; init; }

    /// <summary>Lower-case hex SHA-256 of the whole token string (64 chars, unique).</summary>
    public required string Hash { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Optional expiry (UTC).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Optional cap on what this token may spend per UTC day, in fen (null: no cap).</summary>
    public long? DailySpendCapFen { get; init; }

    /// <summary>
    /// Optional comma-separated IP allow-list (addresses or CIDR ranges, e.g. <c>203.0.113.7, 10.0.0.0/8</c>); null or
    /// empty allows every address.
    /// </summary>
    public string? AllowedIps { get; init; }

    /// <summary>
    /// Optional comma-separated browser origins allowed to call with this token (CORS, see
    /// <see cref="ApiTokenOriginAllowList"/>), e.g. <c>https://shop.example.com</c>; null or empty: server-to-server only.
    /// </summary>
    public string? AllowedOrigins { get; init; }

    /// <summary>Last successful authentication (UTC), refreshed at most once a minute.</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>Remote IP of the last use.</summary>
    public string? LastUsedIp { get; private set; }

    /// <summary>When it was revoked (UTC); a revoked token never authenticates again.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>
    /// The tokens that may authenticate at <paramref name="now"/> (not revoked, not expired), as an expression a query
    /// translates to SQL.
    /// </summary>
    public static Expression<Func<ApiToken, bool>> ActiveAt(DateTimeOffset now) =>
        t => t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now);

    /// <summary>Revokes the token; revoking twice keeps the first time.</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}

/// <summary>What one API token spent on one UTC day, in fen; kept only for tokens with a daily cap.</summary>
public sealed class ApiTokenDailySpend
{
    /// <summary>The token.</summary>
    public Guid ApiTokenId { get; init; }

    /// <summary>The UTC day as <c>yyyyMMdd</c>, e.g. 20261125 (<see cref="Infrastructure.DayKey"/>).</summary>
    public int Day { get; init; }

    /// <summary>Net spend that day in fen (debits minus refunds), never above the cap.</summary>
    public long SpentFen { get; init; }
}
