namespace Portal.Infrastructure.Api;

/// <summary>
/// Gives every request a time-ordered id (UUIDv7, 32 hex chars), used as <see cref="HttpContext.TraceIdentifier"/>,
/// echoed in the <c>X-Request-Id</c> response header and stored on each charge and ledger entry.
/// </summary>
public static class RequestIdMiddleware
{
    /// <summary>The response header.</summary>
    public const string Header = "X-Request-Id";

    /// <summary>Adds the middleware.</summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        return next(context);
    });
}
