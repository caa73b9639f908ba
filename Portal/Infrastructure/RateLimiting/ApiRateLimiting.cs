using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Infrastructure.Api;

namespace Portal.Infrastructure.RateLimiting;

/// <summary>Configuration section <c>RateLimiting</c> (per API token; per instance — RELIABILITY.md D.4).</summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "RateLimiting";

    /// <summary>Turn the limiter on. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per token. Default 20.</summary>
    public int PermitsPerSecond { get; set; } = 20;

    /// <summary>Bucket size (burst) per token. Default 40.</summary>
    public int Burst { get; set; } = 40;
}

/// <summary>
/// A token bucket per API token (falling back to the client IP) on every API route (endpoints with an
/// <see cref="ApiEnvelope"/>). A rejected request gets 429 in the route's envelope with <c>Retry-After</c>,
/// <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (seconds).
/// </summary>
public static class ApiRateLimiting
{
    /// <summary>Adds the limiter.</summary>
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ApiRateLimitOptions.Section).Get<ApiRateLimitOptions>() ?? new ApiRateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!options.Enabled || context.GetEndpoint()?.Metadata.GetMetadata<ApiEnvelope>() is null)
                    return RateLimitPartition.GetNoLimiter("none");
                var partition = context.User.ApiTokenId()?.ToString() ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.Burst),
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-RateLimit-Limit"] = options.Burst.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-RateLimit-Remaining"] = "0";
                http.Response.Headers["X-RateLimit-Reset"] = retryAfter.ToString(CultureInfo.InvariantCulture);
                var envelope = ApiEnvelope.For(http, GatewayEnvelope.Instance);
                long? balance = http.User.Identity?.IsAuthenticated == true
                    ? await http.RequestServices.GetRequiredService<BillingLedger>().GetBalanceFenAsync(http.User.UserId(), ct)
                    : null;
                await envelope.Error(StatusCodes.Status429TooManyRequests, "请求过于频繁，请稍后重试", balance).ExecuteAsync(http);
            };
        });
        return services;
    }
}
