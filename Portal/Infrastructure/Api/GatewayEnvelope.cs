using System.Text.Json.Serialization;
using Portal.Features.Billing;

namespace Portal.Infrastructure.Api;

/// <summary>WeChat's errcode and errmsg, carried in a 502's <c>detail</c> (seed 000).</summary>
public sealed record UpstreamErrorDetail(
    [property: JsonPropertyName("errcode")] int ErrCode,
    [property: JsonPropertyName("errmsg")] string ErrMsg);

/// <summary>Family A error body: <c>{code, msg, detail?, current_balance?}</c> (seeds 000 and 002, docs/api.md).</summary>
public sealed record GatewayError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Detail,
    [property: JsonPropertyName("current_balance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CurrentBalance);

/// <summary>
/// Family A — seeds 000 and 002: success <c>{code:200, msg, …, current_balance}</c>; errors <c>{code, msg, current_balance}</c>
/// with <c>code</c> equal to the HTTP status, 401 without a balance and 502 with <c>detail:{errcode, errmsg}</c>.
/// </summary>
public sealed class GatewayEnvelope : ApiEnvelope
{
    /// <summary>The one instance.</summary>
    public static readonly GatewayEnvelope Instance = new();

    private GatewayEnvelope() { }

    /// <inheritdoc />
    public override IResult Error(int status, string message, long? balanceFen = null, object? detail = null) =>
        TypedResults.Json(new GatewayError(status, message, detail, status == 401 || balanceFen is null ? null : Money.Format(balanceFen.Value)), statusCode: status);

    /// <summary>
    /// Maps a billed result: success through <paramref name="success"/> (which receives the formatted balance),
    /// every other status to its error with the balance after any refund.
    /// </summary>
    public IResult From<T>(BilledResult<T> result, Func<T, string, object> success) => result.Status switch
    {
        BilledStatus.Succeeded => TypedResults.Json(success(result.Value!, Money.Format(result.BalanceFen))),
        _ => Error(StatusCodeOf(result.Status), result.Message ?? "请求失败", result.BalanceFen, result.Detail),
    };

    /// <summary>A 400 for input rejected before any debit, with the caller's unchanged balance.</summary>
    public async Task<IResult> BadRequestAsync(System.Security.Claims.ClaimsPrincipal user, BillingLedger ledger, string message, CancellationToken ct) =>
        Error(400, message, await ledger.GetBalanceFenAsync(Portal.Features.ApiTokens.ApiCaller.UserId(user), Portal.Features.ApiTokens.ApiCaller.IsTestMode(user), ct));

    /// <summary>HTTP status for a billed outcome (docs/api.md family A table).</summary>
    public static int StatusCodeOf(BilledStatus status) => status switch
    {
        BilledStatus.Succeeded => 200,
        BilledStatus.InvalidInput => 400,
        BilledStatus.NotFound => 404,
        BilledStatus.InsufficientFunds => 402,
        BilledStatus.UpstreamError => 502,
        _ => 500,
    };
}
