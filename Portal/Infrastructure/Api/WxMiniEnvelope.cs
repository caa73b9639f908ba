using System.Text.Json.Serialization;

namespace Portal.Infrastructure.Api;

/// <summary>Family C success body: <c>{code:200, success:true, msg:"ok", data}</c> (seed 003).</summary>
public sealed record WxMiniResponse(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("data")] object? Data);

/// <summary>Family C success whose <c>data</c> is a string (a session token, an openid, an access_token, base64 of an image); documentation only.</summary>
public sealed record WxMiniTextResponse(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("data")] string Data);

/// <summary>Family C success whose <c>data</c> is a string or null (a unionid WeChat may not give); documentation only.</summary>
public sealed record WxMiniOptionalTextResponse(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("data")] string? Data);

/// <summary>Family C success whose <c>data</c> is the decrypted JSON object; documentation only.</summary>
public sealed record WxMiniDecodedResponse(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("data")] System.Text.Json.Nodes.JsonObject Data);

/// <summary>Family C error body: <c>{code, success:false, msg}</c> where <c>code</c> is the seed's code or WeChat's errcode.</summary>
public sealed record WxMiniError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("msg")] string Msg);

/// <summary>
/// Family C — seed 003 (<c>/wx/mini/v1/{appId}/…</c>): <c>{code, success, msg, data}</c>. The error <c>code</c> is the
/// seed's code (1000–1004), WeChat's errcode (<see cref="WeChatErrCodes"/>: 40013, 40125, 40029…) or the HTTP status,
/// and the HTTP status follows docs/api.md's table.
/// </summary>
public sealed class WxMiniEnvelope : ApiEnvelope
{
    /// <summary>The one instance.</summary>
    public static readonly WxMiniEnvelope Instance = new();

    /// <summary>Session token unknown or expired (HTTP 401).</summary>
    public const int Unauthorized = 1000;
    /// <summary>Missing <c>token</c> (or <c>sessionkey</c>) (HTTP 400).</summary>
    public const int MissingToken = 1001;
    /// <summary>Missing <c>encryptedData</c> (HTTP 400).</summary>
    public const int MissingEncryptedData = 1002;
    /// <summary>Missing <c>iv</c> (HTTP 400).</summary>
    public const int MissingIv = 1003;
    /// <summary>Decryption failed or the watermark names another app (HTTP 400).</summary>
    public const int DecodeFailed = 1004;

    private WxMiniEnvelope() { }

    /// <inheritdoc />
    public override PathString PathPrefix => new("/wx/mini");

    /// <inheritdoc />
    public override IResult Success(object? data, string? message = null) => TypedResults.Json(new WxMiniResponse(200, true, "ok", data));

    /// <inheritdoc />
    /// <remarks><c>code</c> is the HTTP status unless given (e.g. 401 by the authentication challenge).</remarks>
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null, int? code = null) =>
        TypedResults.Json(new WxMiniError(code ?? status, false, message), statusCode: status);

    /// <summary>The seed's refusal for one of its codes, with its HTTP status and message (e.g. 1001 → 400 "without parameter: token").</summary>
    public IResult SeedError(int code) => code switch
    {
        Unauthorized => Error(401, "unauthorized", code: code),
        MissingToken => Error(400, "without parameter: token", code: code),
        MissingEncryptedData => Error(400, "without parameter: encrypted data", code: code),
        MissingIv => Error(400, "without parameter: iv", code: code),
        DecodeFailed => Error(400, "error: decode failed", code: code),
        WeChatErrCodes.InvalidAppId => Error(403, "invalid parameter: appId", code: code),
        WeChatErrCodes.InvalidSecret => Error(403, "invalid parameter: secret", code: code),
        WeChatErrCodes.InvalidCode => Error(400, "invalid parameter: code", code: code),
        _ => Error(400, "请求参数错误", code: code),
    };

    /// <summary>
    /// A failed billed result: 402 → code 402; input refused (before the debit, or by WeChat, refunded) → 400 with the
    /// errcode of its <see cref="IErrCodeDetail"/> (or 400); a WeChat errcode after the debit (refunded) → that errcode
    /// with HTTP 400 for parameter errcodes (<see cref="WeChatErrCodes.IsParameterError"/>) and 502 otherwise;
    /// not found → 404; timeout or internal → 500.
    /// </summary>
    public override IResult Failure<T>(IApiOutcome<T> result)
    {
        var errCode = (result.Detail as IErrCodeDetail)?.ErrCode;
        var message = result.Message ?? DefaultMessage(result.Kind);
        return result.Kind switch
        {
            ApiOutcomeKind.InvalidInput => Error(400, message, code: errCode ?? 400),
            ApiOutcomeKind.UpstreamError when errCode is { } e => Error(WeChatErrCodes.IsParameterError(e) ? 400 : 502, message, code: e),
            var kind => Error(StatusOf(kind), message),
        };
    }
}
