using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.Metadata;

namespace Portal.Infrastructure.Api;

/// <summary>
/// Which requests are API requests, and in which envelope they are answered: the envelope attached to the matched
/// endpoint; otherwise (no endpoint matched, or only the method did not) the envelope of the path — every path under an
/// envelope's <see cref="ApiEnvelope.PathPrefix"/>, and the exact path of every literal API route (family A's
/// <c>/generate-qr</c>, …). Anything else is a page of the portal.
/// </summary>
public sealed class ApiPaths(EndpointDataSource endpoints)
{
    private FrozenDictionary<string, (ApiEnvelope Envelope, string[] Methods)>? _exact;
    private ApiEnvelope[]? _prefixed;

    /// <summary>The envelope of the request, or null when it is not an API request.</summary>
    public ApiEnvelope? EnvelopeFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() ?? EnvelopeFor(context.Request.Path);

    /// <summary>The envelope of a path that matched no API endpoint, or null when the path is not an API path.</summary>
    public ApiEnvelope? EnvelopeFor(PathString path)
    {
        if (_exact is null) Build();
        if (path.Value is { } value && _exact!.TryGetValue(value.TrimEnd('/'), out var exact)) return exact.Envelope;
        return _prefixed!.FirstOrDefault(e => path.StartsWithSegments(e.PathPrefix));
    }

    /// <summary>The methods of the API route at exactly this path (a route without parameters), or null.</summary>
    public IReadOnlyList<string>? MethodsOf(PathString path)
    {
        if (_exact is null) Build();
        return path.Value is { } value && _exact!.TryGetValue(value.TrimEnd('/'), out var exact) ? exact.Methods : null;
    }

    private void Build()
    {
        var exact = new Dictionary<string, (ApiEnvelope Envelope, string[] Methods)>(StringComparer.OrdinalIgnoreCase);
        var prefixed = new List<ApiEnvelope>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<ApiEnvelope>() is not { } envelope) continue;
            if (envelope.PathPrefix.HasValue && !prefixed.Contains(envelope)) prefixed.Add(envelope);
            if (endpoint.RoutePattern.Parameters.Count == 0 && endpoint.RoutePattern.RawText is { } raw)
            {
                var path = "/" + raw.Trim('/');
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
                exact[path] = (envelope, [.. (exact.TryGetValue(path, out var known) ? known.Methods : []).Union(methods, StringComparer.OrdinalIgnoreCase)]);
            }
        }
        _prefixed = [.. prefixed];
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// Answers the routing's own 404 (no route) and 405 (route without that method) on API paths in the family's envelope
/// (<c>{"code":404,"msg":"接口不存在"}</c> for family A) instead of an empty body or the portal's HTML page. A path that
/// is exactly an API route called with another method is 405 with <c>Allow</c> naming that route's methods (routing
/// alone would count the static-file fallback's GET among them).
/// </summary>
public static class ApiNotFoundMiddleware
{
    /// <summary>Adds the middleware (after the status-code pages, which it turns off for API paths).</summary>
    public static IApplicationBuilder UseApiNotFound(this IApplicationBuilder app)
    {
        var paths = app.ApplicationServices.GetRequiredService<ApiPaths>();
        return app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint?.Metadata.GetMetadata<ApiEnvelope>() is not null || paths.EnvelopeFor(context.Request.Path) is not { } envelope)
            {
                await next(context);
                return;
            }
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            await next(context);
            var status = context.Response.StatusCode;
            if (status is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed) || context.Response.HasStarted
                || context.Response.ContentLength is not null || !string.IsNullOrEmpty(context.Response.ContentType))
                return;
            if (paths.MethodsOf(context.Request.Path) is { Count: > 0 } methods && !methods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
            {
                status = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = string.Join(", ", methods);
            }
            var message = status == StatusCodes.Status404NotFound
                ? "接口不存在"
                : $"接口不支持 {context.Request.Method} 方法（可用：{context.Response.Headers.Allow}）";
            await envelope.Error(status, message).ExecuteAsync(context);
        });
    }
}
