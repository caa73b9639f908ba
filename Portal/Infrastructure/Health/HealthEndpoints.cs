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
            .AddCheck<Hosting.DrainHealthCheck>("stopping", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Maps <c>/healthz</c> (no checks) and <c>/readyz</c> (tagged checks); 200 Healthy or 503 Unhealthy, plain text.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

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
