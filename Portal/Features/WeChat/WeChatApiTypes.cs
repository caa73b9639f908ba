using System.Diagnostics.CodeAnalysis;
using Portal.Features.Billing;
using Portal.Infrastructure.Api;

namespace Portal.Features.WeChat;

/// <summary>How a WeChat call ended.</summary>
public enum WeChatOutcome
{
    /// <summary>WeChat answered with success (HTTP 200 and errcode 0 or absent).</summary>
    Success,
    /// <summary>WeChat answered with a non-zero <c>errcode</c> (docs/wechat.md §1).</summary>
    ErrCode,
    /// <summary>No usable answer: timeout, network failure, unexpected HTTP status or an unreadable body.</summary>
    Transport,
}

/// <summary>
/// The result of one WeChat call: a value, WeChat's <c>(errcode, errmsg)</c>, or a transport failure.
/// <see cref="ErrMsg"/> is WeChat's text (it carries the <c>rid</c> WeChat support asks for) or, for a transport
/// failure, a short description; neither ever contains the AppSecret or an access_token.
/// </summary>
/// <typeparam name="T">The success value.</typeparam>
/// <param name="Outcome">How the call ended.</param>
/// <param name="Value">The value on success.</param>
/// <param name="ErrCode">WeChat's errcode (0 unless <see cref="WeChatOutcome.ErrCode"/>).</param>
/// <param name="ErrMsg">WeChat's errmsg or the transport failure; null on success.</param>
public sealed record WeChatResult<T>(WeChatOutcome Outcome, T? Value, int ErrCode, string? ErrMsg)
{
    /// <summary>True when <see cref="Value"/> holds the answer.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool Succeeded => Outcome == WeChatOutcome.Success;

    /// <summary>True when WeChat did not answer usefully (timeout, network, HTTP error).</summary>
    public bool IsTransportFailure => Outcome == WeChatOutcome.Transport;

    /// <summary>A success.</summary>
    public static WeChatResult<T> Ok(T value) => new(WeChatOutcome.Success, value, 0, null);

    /// <summary>WeChat's error answer.</summary>
    public static WeChatResult<T> Error(int errCode, string? errMsg) => new(WeChatOutcome.ErrCode, default, errCode, errMsg ?? "");

    /// <summary>A timeout or network failure, described by <paramref name="message"/> (no secrets).</summary>
    public static WeChatResult<T> TransportFailure(string message) => new(WeChatOutcome.Transport, default, 0, message);

    /// <summary>The same failure carried as another value type.</summary>
    /// <exception cref="InvalidOperationException">This result is a success.</exception>
    public WeChatResult<TOther> As<TOther>() => Succeeded
        ? throw new InvalidOperationException("a success cannot be converted")
        : new(Outcome, default, ErrCode, ErrMsg);
}

/// <summary>An image returned by a code endpoint (docs/wechat.md §5, §5.1).</summary>
/// <param name="Bytes">The raw image bytes (never empty).</param>
/// <param name="ContentType">The detected MIME type: <c>image/png</c> or <c>image/jpeg</c> (from the magic bytes; else the response's <c>image/*</c> Content-Type).</param>
public sealed record WeChatImage(byte[] Bytes, string ContentType);

/// <summary>The three mini-program code endpoints (docs/wechat.md §5).</summary>
public enum WxaCodeInterface
{
    /// <summary>接口A: <c>POST /wxa/getwxacode</c> — body <c>{path, width?, auto_color?, line_color?, is_hyaline?, env_version?}</c>.</summary>
    GetWxaCode,
    /// <summary>接口B: <c>POST /wxa/getwxacodeunlimit</c> — body <c>{scene, page?, check_path?, env_version?, width?, auto_color?, line_color?, is_hyaline?}</c>.</summary>
    GetWxaCodeUnlimit,
    /// <summary>接口C: <c>POST /cgi-bin/wxaapp/createwxaqrcode</c> — body <c>{path, width?}</c> (square QR).</summary>
    CreateWxaQrCode,
}

/// <summary>A centrally managed access token (docs/wechat.md §2).</summary>
/// <param name="Token">The access_token (a secret: never log it).</param>
/// <param name="FetchedAt">When Portal obtained it (UTC).</param>
/// <param name="ExpiresAt">When Portal stops using it (UTC): WeChat's <c>expires_in</c> minus the safety margin.</param>
public sealed record WeChatAccessToken(string Token, DateTimeOffset FetchedAt, DateTimeOffset ExpiresAt);

/// <summary>The answer of <c>GET /sns/jscode2session</c> (docs/wechat.md §3).</summary>
/// <param name="OpenId">The user's openid within the app.</param>
/// <param name="SessionKey">Base64 of the 16-byte session_key (a secret: never send it to a client or a log).</param>
/// <param name="UnionId">The unionid, when the app is bound to an Open Platform account.</param>
public sealed record WeChatLogin(string OpenId, string SessionKey, string? UnionId);

/// <summary>Turns a failed WeChat call into a refunded billed-work failure.</summary>
public static class WeChatWork
{
    /// <summary>
    /// The <see cref="WorkResult{T}"/> failure for <paramref name="failed"/>: parameter errcodes
    /// (<see cref="WeChatErrCodes.IsParameterError"/>) → Invalid (400), other errcodes → Upstream (502), both with
    /// <see cref="UpstreamErrorDetail"/>; transport failures → Internal (500).
    /// </summary>
    public static WorkResult<T> Failure<T, TWeChat>(WeChatResult<TWeChat> failed)
    {
        if (failed.IsTransportFailure)
            return WorkResult<T>.Fail(WorkFailureKind.Internal, failed.ErrMsg ?? "微信接口调用失败");
        var detail = new UpstreamErrorDetail(failed.ErrCode, failed.ErrMsg ?? "");
        var kind = WeChatErrCodes.IsParameterError(failed.ErrCode) ? WorkFailureKind.Invalid : WorkFailureKind.Upstream;
        var message = failed.ErrCode == WeChatErrCodes.InvalidCode ? "invalid parameter: code" : $"微信接口错误 {failed.ErrCode}: {failed.ErrMsg}";
        return WorkResult<T>.Fail(kind, message, detail);
    }
}
