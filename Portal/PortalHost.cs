using Portal.Features.Admin;
using Portal.Infrastructure;
using Portal.Infrastructure.BackgroundJobs;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Health;
using Portal.Infrastructure.Http;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Hosting;
using Portal.Infrastructure.RateLimiting;
using Portal.Infrastructure.Redis;

namespace Portal;

/// <summary>
/// The host around the features: Kestrel's limits, the shared infrastructure services, the error pages, and how the
/// process runs — as the web server, or as <c>Portal admin …</c> (the operator CLI on the same services).
/// </summary>
public static class PortalHost
{
    /// <summary>
    /// Serves <c>_content/</c> and <c>_framework/</c> assets also when run from <c>bin/</c> outside Development, caps
    /// request bodies at <c>Kestrel:Limits:MaxRequestBodySize</c> bytes on every route (default
    /// <see cref="PortalOptions.MaxRequestBodyBytes"/>, 1 MiB, instead of Kestrel's 30 MB; API JSON bodies stop earlier,
    /// at <c>ApiJson.MaxBodyBytes</c>; larger bodies get 413), and for <c>Portal admin …</c> keeps logs on standard
    /// error and quiet, since the CLI prints its results (a token alone on the last line) on standard output.
    /// </summary>
    public static WebApplicationBuilder ConfigurePortalHost(this WebApplicationBuilder builder, string[] args)
    {
        if (AdminCli.IsAdminCommand(args))
        {
            builder.Configuration["Logging:LogLevel:Default"] = "Warning";
            builder.Configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize =
            builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") ?? PortalOptions.MaxRequestBodyBytes);
        return builder;
    }

    /// <summary>
    /// The infrastructure every feature stands on (<c>Infrastructure/&lt;concern&gt;</c>): the clock, <see cref="PortalOptions"/>
    /// and <see cref="PublicUrls"/>, the database and its key ring, Redis and the caches' change feed, background jobs,
    /// idempotency keys, rate limits, the edge's headers, the drain on stop and the health checks.
    /// </summary>
    public static IServiceCollection AddPortalInfrastructure(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PublicUrls>();
        var provider = services.AddPersistence(configuration, environment);
        services.AddKeyRing(configuration, environment, provider);
        return services.AddRedis().AddCaching().AddBackgroundJobs().AddIdempotency().AddApiRateLimiting().AddEdgeSecurity()
            .AddGracefulShutdown().AddHealth();
    }

    /// <summary>
    /// Outside Development an unhandled exception renders <c>/Error</c>; a GET or HEAD answered 4xx/5xx without a body
    /// re-executes as the "not found" page. Only GET/HEAD: re-executing a refused POST (a bad antiforgery token, an
    /// over-size body) runs antiforgery on the same body again, which throws and turned a 400/413 into a 500.
    /// </summary>
    public static IApplicationBuilder UseErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/Error", createScopeForErrors: true);
        return app.UseWhen(c => HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method),
            b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
    }

    /// <summary>
    /// Migrates the database (and creates the first admin when serving), then either runs <c>Portal admin …</c> and
    /// returns its exit code, or registers the recurring jobs and serves until the host stops (exit code 0).
    /// </summary>
    public static async Task<int> RunPortalAsync(this WebApplication app, string[] args)
    {
        var isAdminCli = AdminCli.IsAdminCommand(args);
        await app.Services.InitializeDatabaseAsync(createBootstrapAdmin: !isAdminCli);
        if (isAdminCli) return await AdminCli.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
        app.Services.RegisterRecurringJobs();
        await app.RunAsync();
        return 0;
    }
}
