using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
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
    public int PermitsPerSecond { get; set; } = 20;

    /// <summary>Bucket size (burst) per token. Default 40.</summary>
    public int Burst { get; set; } = 40;

    /// <summary>Sustained API requests per second per user, all their tokens together. Default 40.</summary>
    public int UserPermitsPerSecond { get; set; } = 40;

    /// <summary>Bucket size (burst) per user, all their tokens together. Default 80.</summary>
    public int UserBurst { get; set; } = 80;

    /// <summary>Posts of the account forms (sign-in, registration, password reset…) per client IP per minute. Default 10.</summary>
    public int AccountFormsPerMinute { get; set; } = 10;

    /// <summary>Requests per second per client IP to the public pages <c>/s/</c>, <c>/m/</c>, <c>/codes/</c>. Default 50.</summary>
    public int PublicPermitsPerSecond { get; set; } = 50;

    /// <summary>Burst per client IP to the public pages. Default 200.</summary>
    public int PublicBurst { get; set; } = 200;
}

/// <summary>
/// The limits of the edge, enforced together (a request must fit all that apply): on API routes (endpoints with an
/// <see cref="ApiEnvelope"/>) a token bucket per API token and one per user across all their tokens; on the account
/// forms a fixed window per client IP; on the public pages a token bucket per client IP. A refused API call gets 429
/// in the route's envelope with <c>Retry-After</c>, <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (seconds); a refused browser request gets a short page with <c>Retry-After</c>. With Redis
/// the buckets and windows live there (<see cref="SharedLimits"/>), shared by every instance.
/// </summary>
public static class ApiRateLimiting
{
    /// <summary>Adds the limiter.</summary>
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ApiRateLimitOptions.Section).Get<ApiRateLimitOptions>() ?? new ApiRateLimitOptions();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RedisConnection>((o, redis) =>
        {
            var shared = new SharedLimits(redis);
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsApi(context, options) && TokenOf(context) is { } token
                        ? shared.TokenBucket("token:" + token, options.PermitsPerSecond, options.Burst)
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsApi(context, options)
                        ? shared.TokenBucket(UserOf(context) is { } user ? "user:" + user : "ip:" + IpOf(context), options.UserPermitsPerSecond, options.UserBurst)
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    options.Enabled && IsAccountForm(context.Request)
                        ? shared.FixedWindow("forms:" + IpOf(context), options.AccountFormsPerMinute, TimeSpan.FromMinutes(1))
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    options.Enabled && Http.EdgeSecurity.IsPublicPage(context.Request.Path)
                        ? shared.TokenBucket("public:" + IpOf(context), options.PublicPermitsPerSecond, options.PublicBurst)
                        : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                if (http.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() is not { } envelope)
                {
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync(
                        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>请求过于频繁</title></head><body>" +
                        $"<h1>请求过于频繁</h1><p>请在 {retryAfter} 秒后重试。</p><p>Too many requests: try again in {retryAfter} s.</p></body></html>", ct);
                    return;
                }
                http.Response.Headers["X-RateLimit-Limit"] = options.Burst.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-RateLimit-Remaining"] = "0";
                http.Response.Headers["X-RateLimit-Reset"] = retryAfter.ToString(CultureInfo.InvariantCulture);
                long? balance = http.User.Identity?.IsAuthenticated == true
                    ? await http.RequestServices.GetRequiredService<BillingLedger>().GetBalanceFenAsync(http.User.UserId(), http.User.IsTestMode(), ct)
                    : null;
                await envelope.Error(StatusCodes.Status429TooManyRequests, "请求过于频繁，请稍后重试", balance).ExecuteAsync(http);
            };
        });
        return services;
    }

    private static bool IsApi(HttpContext context, ApiRateLimitOptions options) =>
        options.Enabled && context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() is not null;

    private static string? TokenOf(HttpContext context) => context.User.ApiTokenId()?.ToString();

    private static string? UserOf(HttpContext context) => context.User.FindFirstValue(ClaimTypes.NameIdentifier);

    private static string IpOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>POSTs of the Identity account forms: sign-in (all kinds), registration, password and e-mail flows.</summary>
    private static bool IsAccountForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/Account") && !request.Path.StartsWithSegments("/Account/Manage");
}
