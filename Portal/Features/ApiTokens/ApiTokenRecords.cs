namespace Portal.Features.ApiTokens;

/// <summary>A token as listed to its owner (never the secret or its hash).</summary>
public sealed record ApiTokenSummary(Guid Id, string Name, string Prefix, string Last4, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, string? LastUsedIp, DateTimeOffset? RevokedAt,
    long? DailySpendCapFen = null, string? AllowedIps = null, string? AllowedOrigins = null)
{
    /// <summary>What the list shows: <c>wxp_7Hq2xY…aB3d</c>.</summary>
    public string Display => $"{Prefix}…{Last4}";

    /// <summary>True for a test-mode token (<c>wxp_test_…</c>).</summary>
    public bool IsTest => ApiTokenFormat.IsTest(Prefix);
}

/// <summary>A freshly issued token: <see cref="Secret"/> is shown once and never stored.</summary>
public sealed record IssuedApiToken(ApiTokenSummary Token, string Secret);

/// <summary>Who an API token authenticates.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="UserId">Its owner.</param>
/// <param name="Test">True for a test-mode token: test balance, WeChat simulator.</param>
/// <param name="AllowedOrigins">The browser origins it accepts (see <see cref="ApiTokenOriginAllowList"/>), comma-separated, or null.</param>
public sealed record ApiTokenPrincipal(Guid TokenId, string UserId, bool Test = false, string? AllowedOrigins = null);
