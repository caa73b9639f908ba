using System.Text.Json.Serialization;

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
/// Family B — seed 001 (<c>/api/h5/…</c>): success <c>{"success":true,"code":200,"message":"…","data":…,"timestamp":"…"}</c>;
/// errors <c>{"success":false,"message":"…","code":N,"timestamp":"…"}</c> with HTTP status N (docs/api.md); the balance is
/// not part of this family's shape. Timestamps come from the app's <see cref="TimeProvider"/> when the response is
/// written: UTC ISO 8601 with a <c>Z</c> and whole seconds, as in the seed (<c>2025-01-15T10:00:00Z</c>).
/// </summary>
public sealed class H5Envelope : ApiEnvelope
{
    /// <summary>The one instance.</summary>
    public static readonly H5Envelope Instance = new();

    /// <summary>Seed 001's <c>Cache-Control</c> for a generated image.</summary>
    public const string ImageCacheControl = "public, max-age=3600";

    private H5Envelope() { }

    /// <inheritdoc />
    public override PathString PathPrefix => new("/api");

    /// <inheritdoc />
    public override IResult Success(object? data, string? message = null) =>
        new Timestamped(now => TypedResults.Json(new H5Success<object?>(true, 200, message ?? "ok", data, Timestamp(now))));

    /// <inheritdoc />
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null, int? code = null) =>
        new Timestamped(now => TypedResults.Json(new H5Error(false, message, status, Timestamp(now)), statusCode: status));

    /// <summary><c>yyyy-MM-ddTHH:mm:ssZ</c> in UTC.</summary>
    public static string Timestamp(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A body stamped with the request's <see cref="TimeProvider"/> when it is written.</summary>
    private sealed class Timestamped(Func<DateTimeOffset, IResult> body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            body(httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).ExecuteAsync(httpContext);
    }
}
