using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Hosting;

/// <summary>Configuration section <c>Shutdown</c>: how an instance told to stop (SIGTERM, Ctrl+C) drains.</summary>
public sealed class ShutdownOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Shutdown";

    /// <summary>
    /// How long, after the stop signal, the instance keeps serving while <c>/readyz</c> already answers 503, so that a
    /// load balancer polling it stops sending new requests before the listener closes. Every response in this time
    /// carries <c>Connection: close</c>, so a proxy's kept-alive connections move to other instances. Default 0 (a
    /// single instance has nobody to hand over to); behind a balancer set it to a little more than its check interval.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The most the whole stop may take (the host's <c>ShutdownTimeout</c>): the drain delay, in-flight requests, the
    /// background jobs, the last write of the coalesced counters and the ledger writer's queue. Default 30 seconds.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Whether this instance has been told to stop (shared by readiness, the drain middleware and the logs).</summary>
public sealed class DrainState
{
    private volatile bool _draining;

    /// <summary>True from the stop signal on.</summary>
    public bool IsDraining => _draining;

    /// <summary>Marks the instance as stopping.</summary>
    public void Begin() => _draining = true;
}

/// <summary>
/// The order of a clean stop. The host fires <c>ApplicationStopping</c>, then calls every lifecycle service's
/// <c>StoppingAsync</c> (this one: turn not-ready, wait <see cref="ShutdownOptions.DrainDelay"/>) before any hosted
/// service's <c>StopAsync</c>. Then, in reverse order of registration: Kestrel (registered last by the web host)
/// stops accepting connections and waits for the requests in flight; the Hangfire server lets its jobs finish or
/// hands them back to the storage; the counter flush writes the last token uses and link visits through the ledger
/// writer; finally disposing the services lets the ledger writer finish every queued operation. All of it is bounded
/// by <see cref="ShutdownOptions.Timeout"/>.
/// </summary>
internal sealed class DrainService(DrainState state, IOptions<ShutdownOptions> options, ILogger<DrainService> log) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.Begin();
        var delay = options.Value.DrainDelay;
        log.LogInformation("Stopping: /readyz now answers 503; serving for {DrainDelay} more, then finishing in-flight requests within {Timeout}",
            delay, options.Value.Timeout);
        if (delay <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Stopped: requests drained, jobs stopped, counters written");
        return Task.CompletedTask;
    }
}

/// <summary>Readiness: unhealthy once the instance is stopping, so a balancer takes it out of rotation.</summary>
internal sealed class DrainHealthCheck(DrainState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.IsDraining ? HealthCheckResult.Unhealthy("stopping") : HealthCheckResult.Healthy());
}

/// <summary>Registers the drain on stop.</summary>
public static class GracefulShutdownExtensions
{
    /// <summary>Adds <see cref="ShutdownOptions"/>, the host's shutdown timeout and the drain service.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddSingleton<DrainState>();
        services.AddHostedService<DrainService>();
        return services;
    }

    /// <summary>
    /// While stopping, answers every request with <c>Connection: close</c> so that clients and proxies holding
    /// kept-alive connections open new ones (to other instances) instead of reusing this one.
    /// </summary>
    public static IApplicationBuilder UseDrainConnectionClose(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<DrainState>();
        return app.Use((context, next) =>
        {
            // HTTP/1.1 only: HTTP/2 and 3 have no Connection header (their streams end with the server's shutdown).
            if (state.IsDraining && HttpProtocol.IsHttp11(context.Request.Protocol)) context.Response.Headers.Connection = "close";
            return next(context);
        });
    }
}
