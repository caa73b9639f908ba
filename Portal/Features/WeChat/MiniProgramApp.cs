namespace Portal.Features.WeChat;

/// <summary>
/// A WeChat mini-program registered by a user: its AppID and AppSecret, the secret encrypted at rest
/// with Data Protection (purpose <see cref="AppSecretProtector.Purpose"/>). Only the owner and admins see or use it.
/// </summary>
public sealed class MiniProgramApp
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Owner.</summary>
    public required string UserId { get; init; }

    /// <summary>WeChat AppID: <c>wx</c> followed by 16 lowercase hex digits. Unique per owner.</summary>
    public required string AppId { get; init; }

    /// <summary>Display name (1–100 chars).</summary>
    public required string Name { get; set; }

    /// <summary>The AppSecret protected with Data Protection. Never shown; decrypted only to call WeChat.</summary>
    public required string ProtectedSecret { get; set; }

    /// <summary>The AppSecret's last 4 characters, the only part ever shown.</summary>
    public required string SecretLast4 { get; set; }

    /// <summary>The owner's default app (used when a request names none, seed 001). Exactly one per owner with apps.</summary>
    public bool IsDefault { get; set; }

    /// <summary>Registered (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last credentials test (UTC).</summary>
    public DateTimeOffset? LastTestedAt { get; set; }

    /// <summary>Whether the last test obtained an access token.</summary>
    public bool? LastTestOk { get; set; }

    /// <summary>
    /// True for the in-memory app of a test-mode call (<see cref="WeChatSimulator.SandboxApp"/>): never stored, and
    /// answered by the <see cref="WeChatSimulator"/>, never by WeChat.
    /// </summary>
    public bool IsSandbox { get; init; }
}

/// <summary>
/// The centrally managed access token of one app (docs/wechat.md §2.1 "中控"), shared by every Portal instance, with the
/// cross-instance refresh lease and the force-refresh bookkeeping (≥ 30 s apart, ≤ 20 a day).
/// </summary>
public sealed class WeChatTokenState
{
    /// <summary>The app (<see cref="MiniProgramApp.Id"/>); one row per app.</summary>
    public Guid AppRowId { get; init; }

    /// <summary>The access_token protected with Data Protection; null before the first fetch or after it was expired.</summary>
    public string? ProtectedToken { get; set; }

    /// <summary>SHA-256 (hex) of the access_token, for compare-and-clear without decrypting.</summary>
    public string? TokenHash { get; set; }

    /// <summary>When the token was fetched (UTC).</summary>
    public DateTimeOffset? FetchedAt { get; set; }

    /// <summary>When Portal stops using it (UTC): fetched + expires_in − margin; moved to "now" when WeChat rejects it.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The instance currently refreshing (random id per process), if any.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the refresh lease lapses (UTC).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Last <c>force_refresh=true</c> call (UTC).</summary>
    public DateTimeOffset? LastForcedAt { get; set; }

    /// <summary>The UTC day (midnight) <see cref="ForcedCount"/> counts for.</summary>
    public DateTimeOffset? ForcedDay { get; set; }

    /// <summary>Force refreshes made on <see cref="ForcedDay"/>.</summary>
    public int ForcedCount { get; set; }
}

/// <summary>
/// A server-side login session created by seed 003 <c>code2Session</c>: the caller gets an opaque token
/// (only its SHA-256 is stored); openid, unionid and the encrypted session_key stay here (docs/wechat.md §3).
/// </summary>
public sealed class WeChatSession
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>SHA-256 (hex) of the opaque session token.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The app (<see cref="MiniProgramApp.Id"/>).</summary>
    public Guid AppRowId { get; init; }

    /// <summary>The user's openid.</summary>
    public required string OpenId { get; init; }

    /// <summary>The unionid, when WeChat gave one.</summary>
    public string? UnionId { get; init; }

    /// <summary>The base64 session_key protected with Data Protection (purpose <c>WeChat.SessionKey.v1</c>).</summary>
    public required string ProtectedSessionKey { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this instant (UTC) the token is unknown (1000).</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
