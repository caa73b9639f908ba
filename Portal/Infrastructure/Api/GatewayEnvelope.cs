using System.Text.Json.Serialization;

namespace Portal.Infrastructure.Api;

/// <summary>Family A error body: <c>{code, msg, detail?, current_balance?}</c> (seeds 000 and 002, docs/api.md).</summary>
public sealed record GatewayError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Detail,
    [property: JsonPropertyName("current_balance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CurrentBalance);

/// <summary>
/// Family A — seeds 000 and 002: success <c>{code:200, msg, …, current_balance}</c> (each route's own record);
/// errors <c>{code, msg, current_balance}</c> with <c>code</c> equal to the HTTP status, 401 without a balance and 502
/// with <c>detail:{errcode, errmsg}</c>.
/// </summary>
public sealed class GatewayEnvelope : ApiEnvelope
{
    /// <summary>The one instance.</summary>
    public static readonly GatewayEnvelope Instance = new();

    private GatewayEnvelope() { }

    /// <inheritdoc />
    public override bool ReportsBalance => true;

    /// <inheritdoc />
    public override IResult Success(object? data, string? message = null) => TypedResults.Json(data);

    /// <inheritdoc />
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null, int? code = null) =>
        TypedResults.Json(new GatewayError(status, message, detail, status == 401 || balanceFen is null ? null : WireMoney.Format(balanceFen.Value)), statusCode: status);
}

/// <summary>Money on the wire: a string with two decimals computed from integer fen (docs/api.md).</summary>
public static class WireMoney
{
    /// <summary><c>1930</c> → <c>"19.30"</c>, <c>-5</c> → <c>"-0.05"</c>.</summary>
    public static string Format(long fen)
    {
        var sign = fen < 0 ? "-" : "";
        var abs = fen < 0 ? -(decimal)fen : fen;
        return sign + (abs / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    }
}
