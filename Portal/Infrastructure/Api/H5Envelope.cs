using System.Text.Json.Serialization;
using Portal.Features.Billing;

namespace Portal.Infrastructure.Api;

/// <summary>Family B error body: <c>{success:false, message, code, timestamp}</c> (seed 001 错误响应示例).</summary>
public sealed record H5Error(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("timestamp")] string Timestamp);

/// <summary>Family B success body: <c>{success:true, code:200, message, data, timestamp}</c> (seed 001 §2).</summary>
public sealed record H5Success<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("data")] T Data,
    [property: JsonPropertyName("timestamp")] string Timestamp);

/// <summary>
/// Family B — seed 001 (<c>/api/h5/…</c>): errors <c>{"success":false,"message":"…","code":N,"timestamp":"…"}</c> with HTTP
/// status N (400, 401, 402, 500, 502; docs/api.md); the balance is not part of this family's shape. Timestamps are
/// UTC ISO 8601 with a <c>Z</c> and whole seconds, as in the seed (<c>2025-01-15T10:00:00Z</c>).
/// </summary>
public sealed class H5Envelope : ApiEnvelope
{
    /// <summary>The one instance (uses the system clock; pass a clock to <see cref="Timestamp"/> where tests need one).</summary>
    public static readonly H5Envelope Instance = new();

    private H5Envelope() { }

    /// <inheritdoc />
    public override PathString PathPrefix => new("/api");

    /// <inheritdoc />
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null) =>
        TypedResults.Json(new H5Error(false, message, status, Timestamp(DateTimeOffset.UtcNow)), statusCode: status);

    /// <summary>A success body around <paramref name="data"/>.</summary>
    public static IResult Success<T>(string message, T data, DateTimeOffset now) =>
        TypedResults.Json(new H5Success<T>(true, 200, message, data, Timestamp(now)));

    /// <summary>Maps a failed billed result to its error (HTTP status as in <see cref="GatewayEnvelope.StatusCodeOf"/>).</summary>
    public IResult FromFailure<T>(BilledResult<T> result) =>
        Error(GatewayEnvelope.StatusCodeOf(result.Status), result.Message ?? "请求失败");

    /// <summary><c>yyyy-MM-ddTHH:mm:ssZ</c> in UTC.</summary>
    public static string Timestamp(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
