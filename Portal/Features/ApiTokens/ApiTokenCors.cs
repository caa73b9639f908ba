using Microsoft.AspNetCore.Cors.Infrastructure;
using Portal.Infrastructure;

namespace Portal.Features.ApiTokens;

/// <summary>
/// CORS for the token-authenticated API, through ASP.NET Core's CORS middleware. A preflight carries no token, so it
/// is answered for an origin that some live token lists (<see cref="ApiTokenService.IsListedOriginAsync"/>): the
/// browser then sends the call, and <see cref="ApiTokenAuthenticationHandler"/> refuses it with 401 unless the
/// token used lists that origin itself. An origin no token lists gets no <c>Access-Control-Allow-Origin</c>, so the
/// browser never sends the call and nothing is charged. No cookies are involved (credentials are not allowed).
/// </summary>
public sealed class ApiTokenCorsPolicyProvider(ApiTokenService tokens) : ICorsPolicyProvider
{
    /// <summary>The policy name the API's route groups require (see <see cref="ApiTokenEndpointExtensions.RequireApiToken{TBuilder}"/>).</summary>
    public const string PolicyName = "api-token-origins";

    /// <summary>Request headers a browser page may send: the token, JSON bodies, idempotency keys, request ids.</summary>
    public static readonly string[] AllowedHeaders = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"];

    /// <summary>Response headers a browser page may read besides the CORS-safelisted ones.</summary>
    public static readonly string[] ExposedHeaders =
        ["Content-Disposition", "ETag", "Retry-After", "Idempotent-Replayed", "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Policy"];

    /// <summary>How long a browser may cache a preflight answer.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    private static readonly CorsPolicy Closed = new CorsPolicyBuilder().Build();

    /// <inheritdoc />
    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != PolicyName) return null;
        var origin = context.Request.Headers.Origin.ToString();
        if (!await tokens.IsListedOriginAsync(origin, context.RequestAborted)) return Closed;
        return new CorsPolicyBuilder()
            .WithOrigins(origin)
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders(AllowedHeaders)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(PreflightMaxAge)
            .Build();
    }

    /// <summary>
    /// True when <paramref name="origin"/> is Portal itself (the request's own scheme and host, or the configured
    /// public base URL): the API reference's "try it" and Portal's own pages are not cross-origin callers.
    /// </summary>
    public static bool IsOwnOrigin(HttpRequest request, PublicUrls urls, string origin)
    {
        var normalized = ApiTokenOriginAllowList.NormalizeOrigin(origin);
        if (normalized is null) return false;
        if (normalized == ApiTokenOriginAllowList.NormalizeOrigin($"{request.Scheme}://{request.Host}")) return true;
        return Uri.TryCreate(urls.BaseUrl(request), UriKind.Absolute, out var configured)
            && normalized == ApiTokenOriginAllowList.NormalizeOrigin(configured.GetLeftPart(UriPartial.Authority));
    }
}

/// <summary>Route-group conventions for the token-authenticated API.</summary>
public static class ApiTokenEndpointExtensions
{
    /// <summary>
    /// Requires an API token (<see cref="ApiTokenAuthenticationHandler.PolicyName"/>) and answers CORS preflights for
    /// the origins tokens list (<see cref="ApiTokenCorsPolicyProvider"/>).
    /// </summary>
    public static TBuilder RequireApiToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiTokenAuthenticationHandler.PolicyName).RequireCors(ApiTokenCorsPolicyProvider.PolicyName);
}
