namespace Portal.Infrastructure.Api;

/// <summary>
/// Names every request. Portal's own id is time-ordered (UUIDv7, 32 hex chars), becomes
/// <see cref="HttpContext.TraceIdentifier"/> and is stored on each charge and ledger entry (it is unique there). A
/// client's well-formed <c>X-Request-Id</c> (1–64 of <c>[A-Za-z0-9._-]</c>) is honoured: it is the id echoed in the
/// response's <c>X-Request-Id</c> and the <c>RequestId</c> of every log scope of the request, next to Portal's own id
/// (<c>PortalRequestId</c>); a malformed one is replaced by Portal's id. Without one, both ids are the same.
/// </summary>
public static class RequestIdMiddleware
{
    /// <summary>The request and response header.</summary>
    public const string Header = "X-Request-Id";

    /// <summary>Longest client id honoured.</summary>
    public const int MaxLength = 64;

    /// <summary>Adds the middleware (first, so that every answer — errors included — carries the id).</summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Request");
        return app.Use(async (context, next) =>
        {
            var own = Guid.CreateVersion7().ToString("N");
            context.TraceIdentifier = own;
            var id = IsWellFormed(context.Request.Headers[Header].ToString()) ? context.Request.Headers[Header].ToString() : own;
            context.Items[typeof(RequestIdMiddleware)] = id;
            context.Response.Headers[Header] = id;
            using (log.BeginScope(new Dictionary<string, object> { ["RequestId"] = id, ["PortalRequestId"] = own }))
                await next(context);
        });
    }

    /// <summary>The id this request answers with in <c>X-Request-Id</c> (the client's, or Portal's own).</summary>
    public static string IdOf(HttpContext context) =>
        context.Items.TryGetValue(typeof(RequestIdMiddleware), out var id) && id is string s ? s : context.TraceIdentifier;

    /// <summary>1–<see cref="MaxLength"/> characters, each an ASCII letter, digit, <c>.</c>, <c>_</c> or <c>-</c>.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: > 0 and <= MaxLength } && value.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-');
}
