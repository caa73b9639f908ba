namespace Portal.Infrastructure.Api;

/// <summary>
/// The one contract of the three seed families' envelopes (docs/api.md): a <see cref="Success"/>, a
/// <see cref="Billed{T}">billed result</see> (success, or its failure through the one status mapping <see cref="StatusOf"/>),
/// and a refusal (<see cref="Error"/> with everything given, or <see cref="Refusal"/> that reads the caller's balance itself
/// when the family reports it). Attached to its routes as endpoint metadata, so that shared machinery (authentication
/// challenges, body limits, idempotency, rate limiting, 404/405) answers in the route's own shape.
/// </summary>
public abstract class ApiEnvelope
{
    /// <summary>
    /// The path under which every request belongs to this family (<c>/api</c>, <c>/wx/mini</c>), or empty when the
    /// family's routes sit at the root (family A: only its own paths are API paths). See <see cref="ApiPaths"/>.
    /// </summary>
    public virtual PathString PathPrefix => PathString.Empty;

    /// <summary>True when the family's error bodies carry the caller's balance (family A's <c>current_balance</c>).</summary>
    public virtual bool ReportsBalance => false;

    /// <summary>A success body around <paramref name="data"/>.</summary>
    /// <param name="data">Family A: the route's whole body (<c>{code:200, msg, …, current_balance}</c>); families B and C: the <c>data</c> member.</param>
    /// <param name="message">Family B's <c>message</c> (ignored elsewhere).</param>
    public abstract IResult Success(object? data, string? message = null);

    /// <summary>An error response.</summary>
    /// <param name="status">HTTP status code (400, 401, 402, 403, 404, 405, 409, 413, 422, 429, 500, 502, 503).</param>
    /// <param name="message">Message for the caller (Chinese, as in the seeds).</param>
    /// <param name="balanceFen">The caller's balance in fen, for the families that report it (never shown on a 401).</param>
    /// <param name="detail">Extra detail: WeChat's errcode and errmsg on a family A 502.</param>
    /// <param name="code">The family's own error code when it differs from the status (family C: 1000–1004, WeChat's errcode); families A and B answer the status.</param>
    public abstract IResult Error(int status, string message, long? balanceFen = null, object? detail = null, int? code = null);

    /// <summary>
    /// A refusal before any money moved (a 400 for input, the body limit's 413, idempotency's 409/422, the limiter's 429):
    /// <see cref="Error"/> with the caller's unchanged balance, read when the response is written and only by the
    /// families that report it (<see cref="IApiCallers.BalanceFenAsync"/>). The one path for pre-debit refusals, so
    /// that no handler needs the ledger to answer one.
    /// </summary>
    public IResult Refusal(int status, string message, int? code = null) => new RefusalResult(this, status, message, code);

    /// <summary>
    /// A billed result: success through <paramref name="success"/> (the value and the balance after the debit, in fen,
    /// give the <see cref="Success"/> data); any other outcome through <see cref="Failure"/>.
    /// </summary>
    public IResult Billed<T>(IApiOutcome<T> result, Func<T, long, object?> success, string? message = null) =>
        result.Kind == ApiOutcomeKind.Succeeded ? Success(success(result.Value!, result.BalanceFen), message) : Failure(result);

    /// <summary>
    /// A failed billed result: <see cref="StatusOf"/> its kind, its message (or a default), the balance after any
    /// refund; on a 502 WeChat's errcode and errmsg as detail.
    /// </summary>
    public virtual IResult Failure<T>(IApiOutcome<T> result)
    {
        var status = StatusOf(result.Kind);
        return Error(status, result.Message ?? DefaultMessage(result.Kind), result.BalanceFen, status == 502 ? result.Detail : null);
    }

    /// <summary>The one mapping of a billed outcome to its HTTP status (docs/api.md): 200, 400, 404, 402, 502, else 500.</summary>
    public static int StatusOf(ApiOutcomeKind kind) => kind switch
    {
        ApiOutcomeKind.Succeeded => 200,
        ApiOutcomeKind.InvalidInput => 400,
        ApiOutcomeKind.NotFound => 404,
        ApiOutcomeKind.InsufficientFunds => 402,
        ApiOutcomeKind.UpstreamError => 502,
        _ => 500,
    };

    /// <summary>The message of a failure that carries none.</summary>
    protected static string DefaultMessage(ApiOutcomeKind kind) => kind switch
    {
        ApiOutcomeKind.InvalidInput => "请求参数错误",
        ApiOutcomeKind.NotFound => "不存在",
        ApiOutcomeKind.InsufficientFunds => "余额不足",
        ApiOutcomeKind.UpstreamError => "微信接口错误",
        ApiOutcomeKind.InternalError => "内部错误",
        _ => "请求失败",
    };

    /// <summary>The envelope attached to the current endpoint, or <paramref name="fallback"/>.</summary>
    public static ApiEnvelope For(HttpContext context, ApiEnvelope fallback) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() ?? fallback;

    private sealed class RefusalResult(ApiEnvelope envelope, int status, string message, int? code) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            long? balance = envelope.ReportsBalance && status != StatusCodes.Status401Unauthorized
                ? await httpContext.RequestServices.GetRequiredService<IApiCallers>().BalanceFenAsync(httpContext.User, httpContext.RequestAborted)
                : null;
            await envelope.Error(status, message, balance, code: code).ExecuteAsync(httpContext);
        }
    }
}
