namespace Portal.Features.ApiTokens;

/// <summary>Configuration section <c>ApiTokens</c>.</summary>
public sealed class ApiTokenOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "ApiTokens";

    /// <summary>Most live (not revoked, not expired) tokens one user may hold. Default 50.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaxLivePerUser { get; set; } = 50;
}

/// <summary>A user asked for a token beyond <see cref="ApiTokenOptions.MaxLivePerUser"/>.</summary>
/// <param name="limit">The limit.</param>
public sealed class TooManyTokensException(int limit) : InvalidOperationException($"at most {limit} live tokens per user: revoke one first")
{
    /// <summary>The limit.</summary>
    public int Limit { get; } = limit;
}
