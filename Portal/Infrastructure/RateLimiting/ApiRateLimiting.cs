using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Redis;

namespace Portal.Infrastructure.RateLimiting;

/// <summary>
/// Configuration section <c>RateLimiting</c>. With <c>ConnectionStrings:Redis</c> the limits hold across all instances
/// together; without Redis (or while it is unreachable) each instance allows them on its own.
/// </summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "RateLimiting";

    /// <summary>Turn every limiter on. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained API requests per second per token. Default 20.</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerSecond { get; set; } = 20;

    /// <summary>Bucket size (burst) per token. Default 40.</summary>
    [Range(1, int.MaxValue)]
    public int Burst { get; set; } = 40;

    /// <summary>Sustained API requests per second per user, all their tokens together. Default 40.</summary>
    [Range(1, int.MaxValue)]
    public int UserPermitsPerSecond { get; set; } = 40;

    /// <summary>Bucket size (burst) per user, all their tokens together. Default 80.</summary>
    [Range(1, int.MaxValue)]
    public int UserBurst { get; set; } = 80;

    /// <summary>Posts of the account forms (sign-in, registration, password reset…) per client IP per minute. Default 10.</summary>
    [Range(1, int.MaxValue)]
    public int AccountFormsPerMinute { get; set; } = 10;

    /// <summary>Requests per second per client IP to the public pages <c>/s/</c>, <c>/m/</c>, <c>/codes/</c>. Default 50.</summary>
    [Range(1, int.MaxValue)]
    public int PublicPermitsPerSecond { get; set; } = 50;

    /// <summary>Burst per client IP to the public pages. Default 200.</summary>
    [Range(1, int.MaxValue)]
    public int PublicBurst { get; set; } = 200;
}

/// <summary>
/// The limits of the edge, enforced together (a request must fit all that apply): on API routes (endpoints with an
/// <see cref="ApiEnvelope"/>, and any other path of an API family, see <see cref="ApiPaths"/>) a token bucket per API
/// token and one per user across all their tokens (per client IP before authentication); on the account forms a fixed
/// window per client IP; on the public pages a token bucket per client IP. Every API response states the bucket that
/// binds it (<see cref="ApiRateLimitHeaders"/>); a refused API call gets 429 in the route's envelope with
/// <c>Retry-After</c>; a refused browser request gets a short page with <c>Retry-After</c>. With Redis the buckets and
/// windows live there (<see cref="SharedLimits"/>), shared by every instance.
/// </summary>
public static class ApiRateLimiting
{
    /// <summary>Adds the limiter.</summary>
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<ApiRateLimitOptions>().BindConfiguration(ApiRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiPaths>();
        services.AddSingleton(sp => new ApiLimiters(sp.GetRequiredService<IOptions<ApiRateLimitOptions>>().Value,
            new SharedLimits(sp.GetRequiredService<RedisConnection>()), sp.GetRequiredService<ApiPaths>(), sp.GetRequiredService<IApiCallers>()));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ApiLimiters, IOptions<ApiRateLimitOptions>>((o, api, limits) =>
        {
            var options = limits.Value;
            var shared = api.Shared;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                api.PerToken,
                api.PerUser,
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    options.Enabled && IsAccountForm(context.Request)
                        ? shared.FixedWindow("forms:" + IpOf(context), options.AccountFormsPerMinute, TimeSpan.FromMinutes(1))
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    options.Enabled && Http.PublicPage.IsPublicPage(context)
                        ? shared.TokenBucket("public:" + IpOf(context), options.PublicPermitsPerSecond, options.PublicBurst)
                        : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                if (api.Paths.EnvelopeFor(http) is not { } envelope)
                {
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync(
                        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>请求过于频繁</title></head><body>" +
                        $"<h1>请求过于频繁</h1><p>请在 {retryAfter} 秒后重试。</p><p>Too many requests: try again in {retryAfter} s.</p></body></html>", ct);
                    return;
                }
                api.WriteHeaders(http, refusedFor: retryAfter);
                await envelope.Refusal(StatusCodes.Status429TooManyRequests, "请求过于频繁，请稍后重试").ExecuteAsync(http);
            };
        });
        return services;
    }

    internal static string? UserOf(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier);

    internal static string IpOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>POSTs of the Identity account forms: sign-in (all kinds), registration, password and e-mail flows.</summary>
    private static bool IsAccountForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/Account") && !request.Path.StartsWithSegments("/Account/Manage");
}

/// <summary>
/// The two API buckets — per token (<see cref="ApiRateLimitOptions.PermitsPerSecond"/>, burst
/// <see cref="ApiRateLimitOptions.Burst"/>) and per user over all their tokens, or per client IP before
/// authentication (<see cref="ApiRateLimitOptions.UserPermitsPerSecond"/>, burst <see cref="ApiRateLimitOptions.UserBurst"/>)
/// — and the <c>X-RateLimit-*</c> headers that describe them.
/// </summary>
public sealed class ApiLimiters
{
    /// <summary>Header: the size of the binding bucket (requests that may be made at once), an integer.</summary>
    public const string LimitHeader = "X-RateLimit-Limit";
    /// <summary>Header: requests left in the binding bucket now, an integer.</summary>
    public const string RemainingHeader = "X-RateLimit-Remaining";
    /// <summary>Header: seconds until the binding bucket is full again (on a 429: until a request is allowed again), an integer.</summary>
    public const string ResetHeader = "X-RateLimit-Reset";
    /// <summary>
    /// Header: every bucket that applies, in the syntax of the IETF RateLimit-Policy draft: <c>20;w=1;burst=40;scope=token,
    /// 40;w=1;burst=80;scope=user</c> — a sustained 20 requests per 1-second window with bursts of up to 40.
    /// </summary>
    public const string PolicyHeader = "X-RateLimit-Policy";

    private readonly ApiRateLimitOptions _options;

    private readonly IApiCallers _callers;

    private readonly string _policy;

    /// <summary>True when the API limits are on (<c>RateLimiting:Enabled</c>).</summary>
    public bool Enabled => _options.Enabled;

    internal ApiLimiters(ApiRateLimitOptions options, SharedLimits shared, ApiPaths paths, IApiCallers callers)
    {
        _options = options;
        _callers = callers;
        _policy = string.Create(CultureInfo.InvariantCulture,
            $"{Math.Max(1, options.PermitsPerSecond)};w=1;burst={Math.Max(1, options.Burst)};scope=token, " +
            $"{Math.Max(1, options.UserPermitsPerSecond)};w=1;burst={Math.Max(1, options.UserBurst)};scope=user");
        Shared = shared;
        Paths = paths;
        PerToken = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsApi(context) && TokenOf(context) is { } token
                ? shared.TokenBucket("token:" + token, options.PermitsPerSecond, options.Burst)
                : RateLimitPartition.GetNoLimiter(""));
        PerUser = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsApi(context)
                ? shared.TokenBucket(UserKey(context), options.UserPermitsPerSecond, options.UserBurst)
                : RateLimitPartition.GetNoLimiter(""));
    }

    internal SharedLimits Shared { get; }

    internal ApiPaths Paths { get; }

    /// <summary>The per-token bucket (no limit for requests without a token).</summary>
    public PartitionedRateLimiter<HttpContext> PerToken { get; }

    /// <summary>The per-user (or, unauthenticated, per-IP) bucket.</summary>
    public PartitionedRateLimiter<HttpContext> PerUser { get; }

    private string? TokenOf(HttpContext context) => _callers.TokenIdOf(context.User)?.ToString();

    private bool IsApi(HttpContext context) => _options.Enabled && Paths.EnvelopeFor(context) is not null;

    private static string UserKey(HttpContext context) =>
        ApiRateLimiting.UserOf(context) is { } user ? "user:" + user : "ip:" + ApiRateLimiting.IpOf(context);

    /// <summary>
    /// Sets the <c>X-RateLimit-*</c> headers of an API response from the bucket with the fewest requests left (the
    /// token's, or the user's when that is lower). <paramref name="refusedFor"/> is the <c>Retry-After</c> of a 429:
    /// then <c>Remaining</c> is 0 and <c>Reset</c> that wait. Does nothing when limits are off or the route is not an API route.
    /// </summary>
    public void WriteHeaders(HttpContext context, int? refusedFor = null)
    {
        if (!IsApi(context)) return;
        var token = TokenOf(context) is null ? null : PerToken.GetStatistics(context);
        var user = PerUser.GetStatistics(context);
        var (burst, perSecond, available) = token is not null && (user is null || token.CurrentAvailablePermits <= user.CurrentAvailablePermits)
            ? (_options.Burst, _options.PermitsPerSecond, token.CurrentAvailablePermits)
            : (_options.UserBurst, _options.UserPermitsPerSecond, user?.CurrentAvailablePermits ?? _options.UserBurst);
        burst = Math.Max(1, burst);
        perSecond = Math.Max(1, perSecond);
        var remaining = refusedFor is null ? Math.Clamp(available, 0, burst) : 0;
        var reset = refusedFor ?? (int)Math.Ceiling((burst - remaining) / (double)perSecond);
        var headers = context.Response.Headers;
        headers[LimitHeader] = burst.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = remaining.ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = reset.ToString(CultureInfo.InvariantCulture);
        headers[PolicyHeader] = Policy();
    }

    /// <summary>The <see cref="PolicyHeader"/> value of the configured limits (built once: the options do not change while running).</summary>
    public string Policy() => _policy;
}

/// <summary>
/// Adds the <c>X-RateLimit-*</c> headers to every API response (<see cref="ApiLimiters.WriteHeaders"/>), when its
/// headers are sent — so that 401s, answers of the handlers and of the error middleware all carry them. A 429 keeps the
/// values the limiter's refusal set.
/// </summary>
public static class ApiRateLimitHeaders
{
    /// <summary>Adds the middleware (early: before anything that may answer an API request).</summary>
    public static IApplicationBuilder UseApiRateLimitHeaders(this IApplicationBuilder app)
    {
        var limiters = app.ApplicationServices.GetRequiredService<ApiLimiters>();
        // With the limits off there is nothing to describe (and WriteHeaders would write nothing).
        if (!limiters.Enabled) return app;
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var (context, limiters) = ((HttpContext, ApiLimiters))state;
                if (context.Response.StatusCode != StatusCodes.Status429TooManyRequests || !context.Response.Headers.ContainsKey(ApiLimiters.LimitHeader))
                    limiters.WriteHeaders(context);
                return Task.CompletedTask;
            }, (context, limiters));
            return next(context);
        });
    }
}
