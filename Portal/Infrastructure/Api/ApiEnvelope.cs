namespace Portal.Infrastructure.Api;

/// <summary>
/// One seed family's error envelope, attached to its routes as endpoint metadata so that shared machinery
/// (authentication challenges, body parsing, rate limiting) answers in the route's own shape.
/// </summary>
public abstract class ApiEnvelope
{
    /// <summary>An error response with HTTP status <paramref name="status"/>.</summary>
    /// <param name="status">HTTP status code (400, 401, 402, 404, 409, 422, 429, 500, 502…).</param>
    /// <param name="message">Message for the caller (Chinese, as in the seeds).</param>
    /// <param name="balanceFen">The caller's balance in fen, when the family reports it (null for 401).</param>
    /// <param name="detail">Extra detail, e.g. WeChat's errcode and errmsg.</param>
    public abstract IResult Error(int status, string message, long? balanceFen = null, object? detail = null);

    /// <summary>
    /// The path under which every request belongs to this family (<c>/api</c>, <c>/wx/mini</c>), or empty when the
    /// family's routes sit at the root (family A: only its own paths are API paths). See <see cref="ApiPaths"/>.
    /// </summary>
    public virtual PathString PathPrefix => PathString.Empty;

    /// <summary>The envelope attached to the current endpoint, or <paramref name="fallback"/>.</summary>
    public static ApiEnvelope For(HttpContext context, ApiEnvelope fallback) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() ?? fallback;
}
