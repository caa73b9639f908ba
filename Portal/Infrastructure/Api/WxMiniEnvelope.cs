using System.Text.Json.Serialization;
using Portal.Features.Billing;

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
/// seed's code (1000–1004, 40013, 40125) or WeChat's errcode, and the HTTP status follows docs/api.md's table.
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
    /// <summary><c>{appId}</c> not registered by the token's owner (HTTP 403).</summary>
    public const int InvalidAppId = 40013;
    /// <summary><c>{secret}</c> is not the registered AppSecret (HTTP 403).</summary>
    public const int InvalidSecret = 40125;

    private WxMiniEnvelope() { }

    /// <summary>Success with <paramref name="data"/>.</summary>
    public IResult Ok(object? data) => TypedResults.Json(new WxMiniResponse(200, true, "ok", data));

    /// <summary>An error with seed/WeChat code <paramref name="code"/> and HTTP status <paramref name="httpStatus"/>.</summary>
    public IResult Fail(int code, int httpStatus, string message) => TypedResults.Json(new WxMiniError(code, false, message), statusCode: httpStatus);

    /// <summary>A seed-003 error with its code, HTTP status and the seed's message (e.g. 1001 → 400 "without parameter: token").</summary>
    public IResult Fail(int code) => code switch
    {
        Unauthorized => Fail(code, 401, "unauthorized"),
        MissingToken => Fail(code, 400, "without parameter: token"),
        MissingEncryptedData => Fail(code, 400, "without parameter: encrypted data"),
        MissingIv => Fail(code, 400, "without parameter: iv"),
        DecodeFailed => Fail(code, 400, "error: decode failed"),
        InvalidAppId => Fail(code, 403, "invalid parameter: appId"),
        InvalidSecret => Fail(code, 403, "invalid parameter: secret"),
        40029 => Fail(code, 400, "invalid parameter: code"),
        _ => Fail(code, 400, "请求参数错误"),
    };

    /// <inheritdoc />
    public override PathString PathPrefix => new("/wx/mini");

    /// <inheritdoc />
    /// <remarks><c>code</c> equals the HTTP status here (used for 401 by the authentication challenge).</remarks>
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null) => Fail(status, status, message);

    /// <summary>
    /// Maps a billed result: success → <c>data</c> from <paramref name="data"/>; 402 → code 402; a refunded WeChat
    /// failure → WeChat's errcode as <c>code</c> (from an <see cref="UpstreamErrorDetail"/>) with HTTP 400 for
    /// parameter errcodes and 502 otherwise; timeout/internal → 500.
    /// </summary>
    public IResult From<T>(BilledResult<T> result, Func<T, object?> data)
    {
        var errCode = (result.Detail as UpstreamErrorDetail)?.ErrCode;
        return result.Status switch
        {
            BilledStatus.Succeeded => Ok(data(result.Value!)),
            BilledStatus.InsufficientFunds => Fail(402, 402, result.Message ?? "余额不足"),
            BilledStatus.InvalidInput => Fail(errCode ?? 400, 400, result.Message ?? "请求参数错误"),
            BilledStatus.NotFound => Fail(404, 404, result.Message ?? "不存在"),
            BilledStatus.UpstreamError => Fail(errCode ?? 502, 502, result.Message ?? "微信接口错误"),
            _ => Fail(500, 500, result.Message ?? "内部错误"),
        };
    }
}
