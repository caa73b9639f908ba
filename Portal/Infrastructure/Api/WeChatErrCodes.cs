namespace Portal.Infrastructure.Api;

/// <summary>
/// WeChat errcodes Portal acts on (docs/wechat.md §1, §2.2, §3, §7), defined once: the WeChat client retries and
/// classifies by them, and family C's envelope answers with them as <c>code</c>.
/// </summary>
public static class WeChatErrCodes
{
    /// <summary>System busy: retried with a short backoff, at most twice.</summary>
    public const int Busy = -1;
    /// <summary>Invalid credential / access_token not latest.</summary>
    public const int InvalidCredential = 40001;
    /// <summary>Invalid appid.</summary>
    public const int InvalidAppId = 40013;
    /// <summary>Malformed access_token.</summary>
    public const int InvalidAccessToken = 40014;
    /// <summary>Invalid login code (code2Session).</summary>
    public const int InvalidCode = 40029;
    /// <summary>Invalid AppSecret.</summary>
    public const int InvalidSecret = 40125;
    /// <summary>Login code already used (code2Session).</summary>
    public const int CodeUsed = 40163;
    /// <summary>Invalid scene (getwxacodeunlimit): wrong length.</summary>
    public const int InvalidScene = 40169;
    /// <summary>Invalid arguments: WeChat's generic parameter errcode, also Portal's for a body it cannot read on a seed-003 route.</summary>
    public const int InvalidArgs = 40097;
    /// <summary>Invalid scene (getwxacodeunlimit): characters outside WeChat's set.</summary>
    public const int InvalidSceneCharacters = 40129;
    /// <summary>A scene WeChat reserves (getwxacodeunlimit).</summary>
    public const int ReservedScene = 85096;
    /// <summary>access_token expired.</summary>
    public const int AccessTokenExpired = 42001;
    /// <summary>Daily quota reached; also what WeChat (and Portal) answer when stable_token force refresh is over its limit.</summary>
    public const int DailyQuota = 45009;
    /// <summary>Minute quota reached.</summary>
    public const int MinuteQuota = 45011;

    /// <summary>The errcodes that mean "the access token used is dead": expire it (if still current) and retry once (§2.3, §9.2.3).</summary>
    public static bool IsAccessTokenError(int errCode) => errCode is InvalidCredential or InvalidAccessToken or AccessTokenExpired;

    /// <summary>
    /// Errcodes caused by the caller's parameters (docs/wechat.md §7 "400 validation" and "invalid_code"): the seed-003
    /// routes answer them with HTTP 400 and the errcode as <c>code</c>; every other errcode is a 502.
    /// </summary>
    public static bool IsParameterError(int errCode) => errCode is InvalidCode or CodeUsed or InvalidScene
        or InvalidArgs or InvalidSceneCharacters or 40159 or 40165 or 40212 or 41030 or 47001 or 85401 or ReservedScene;
}
