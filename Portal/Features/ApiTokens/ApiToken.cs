namespace Portal.Features.ApiTokens;

/// <summary>
/// An API token. Only the SHA-256 hash of the secret is stored; the secret is shown once at creation
/// (RELIABILITY.md D.2). The display prefix and the last four characters identify it in lists.
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

    /// <summary>Last successful authentication (UTC), refreshed at most once a minute.</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>Remote IP of the last use.</summary>
    public string? LastUsedIp { get; private set; }

    /// <summary>When it was revoked (UTC); a revoked token never authenticates again.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>True when the token may authenticate at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Revokes the token; revoking twice keeps the first time.</summary>
    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}
