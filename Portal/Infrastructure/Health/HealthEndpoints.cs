using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Health;

/// <summary><c>/healthz</c> (the process is alive) and <c>/readyz</c> (database and job storage answer, the instance is not stopping).</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    /// <summary>Adds the readiness checks.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<JobStorageHealthCheck>("job-storage", tags: [ReadyTag])
            .AddCheck<Hosting.DrainHealthCheck>("stopping", tags: [ReadyTag])
            .AddCheck<Redis.RedisHealthCheck>("redis", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// Maps <c>/healthz</c> (liveness: runs no check, answers <c>Healthy</c> as plain text) and <c>/readyz</c>
    /// (readiness: runs every tagged check and answers JSON, see <see cref="WriteReport"/>): 200 when
    /// <c>Healthy</c> or <c>Degraded</c> (serving, e.g. Redis unreachable so limits are per instance), 503 when
    /// <c>Unhealthy</c> (the database or job storage fails, or the instance is stopping).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteReport })
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// <c>{"status":"Degraded","durationMs":3.2,"checks":[{"name":"database","status":"Healthy","durationMs":1.1,
    /// "description":null}, …]}</c>: the overall status and each dependency's, with how long it took in milliseconds
    /// and the check's own short description when it gives one (never an exception's text, which may name hosts or credentials).
    /// </summary>
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new ReadinessReport(report.Status.ToString(), Milliseconds(report.TotalDuration),
            [.. report.Entries.Select(e => new ReadinessCheck(e.Key, e.Value.Status.ToString(), Milliseconds(e.Value.Duration), e.Value.Description))]));
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    /// <summary>The <c>/readyz</c> body.</summary>
    /// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>: the worst of the checks.</param>
    /// <param name="DurationMs">Time all checks took together, in milliseconds.</param>
    /// <param name="Checks">One entry per dependency, in registration order.</param>
    public sealed record ReadinessReport(string Status, double DurationMs, IReadOnlyList<ReadinessCheck> Checks);

    /// <summary>One dependency's readiness.</summary>
    /// <param name="Name"><c>database</c>, <c>job-storage</c>, <c>stopping</c> or <c>redis</c>.</param>
    /// <param name="Status"><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
    /// <param name="DurationMs">Time the check took, in milliseconds.</param>
    /// <param name="Description">The check's short note (why it is not healthy; <c>redis</c> also says <c>connected</c> or <c>not configured</c>), or null.</param>
    public sealed record ReadinessCheck(string Name, string Status, double DurationMs, string? Description);

    private sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                return await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("cannot connect");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("database error", ex);
            }
        }
    }

    private sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                _ = storage.GetMonitoringApi().EnqueuedCount("default");
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (Exception ex)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("job storage error", ex));
            }
        }
    }
}
