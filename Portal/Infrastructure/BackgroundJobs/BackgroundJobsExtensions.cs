using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Portal.Features.Accounts;
using Portal.Features.Billing;
using Portal.Infrastructure.Idempotency;
using Portal.Features.MiniProgramCodes;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.BackgroundJobs;

/// <summary>Configuration section <c>Hangfire</c>.</summary>
public sealed class BackgroundJobsOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Hangfire";

    /// <summary>Run a Hangfire server (workers and recurring jobs) in this process. Default true.</summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>Worker count, 1–100. Default 2.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int WorkerCount { get; set; } = 2;
}

/// <summary>Hangfire storage by provider, the job server, the one place recurring jobs are registered, and the admin dashboard.</summary>
public static class BackgroundJobsExtensions
{
    /// <summary>Dashboard path (admins only).</summary>
    public const string DashboardPath = "/admin/jobs";

    /// <summary>
    /// Adds Hangfire with InMemory storage on SQLite (the reconciliation state lives in the application database, so a
    /// restart loses nothing that matters) and the provider's own storage on PostgreSQL or SQL Server.
    /// </summary>
    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services)
    {
        services.AddOptions<BackgroundJobsOptions>().BindConfiguration(BackgroundJobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHangfire((sp, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal");
            switch (sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider)
            {
                case DatabaseProvider.PostgreSql: config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString)); break;
                case DatabaseProvider.SqlServer: config.UseSqlServerStorage(connectionString); break;
                default: config.UseInMemoryStorage(); break;
            }
        });
        var before = services.Count;
        services.AddHangfireServer((sp, o) =>
        {
            o.WorkerCount = sp.GetRequiredService<IOptions<BackgroundJobsOptions>>().Value.WorkerCount;
            o.ShutdownTimeout = TimeSpan.FromSeconds(2);
        });
        OnlyWhenServerEnabled(services, before);
        services.AddTransient<ReconcilePendingChargesJob>();
        services.AddTransient<LowBalanceAlertJob>();
        services.AddTransient<RefundChargeJob>();
        services.AddTransient<PurgeExpiredIdempotencyKeysJob>();
        return services;
    }

    /// <summary>
    /// Hangfire registers its server as a hosted service built by a factory; wrap that factory so the server starts only
    /// when <see cref="BackgroundJobsOptions.ServerEnabled"/> (read from the options when the host starts, not from the
    /// configuration while registering).
    /// </summary>
    private static void OnlyWhenServerEnabled(IServiceCollection services, int firstAdded)
    {
        var wrapped = 0;
        for (var i = firstAdded; i < services.Count; i++)
        {
            if (services[i] is not { ServiceType: var type, ImplementationFactory: { } create } descriptor || type != typeof(IHostedService)) continue;
            services[i] = ServiceDescriptor.Describe(typeof(IHostedService),
                sp => sp.GetRequiredService<IOptions<BackgroundJobsOptions>>().Value.ServerEnabled ? create(sp) : new NoJobServer(), descriptor.Lifetime);
            wrapped++;
        }
        if (wrapped != 1) throw new InvalidOperationException($"Expected Hangfire to register one hosted server, found {wrapped}");
    }

    /// <summary>Stands in for the job server in a process that only enqueues jobs (<c>Hangfire:ServerEnabled=false</c>).</summary>
    private sealed class NoJobServer : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Registers every recurring job (ids like <c>billing:reconcile-pending-charges</c>) in one place.</summary>
    public static void RegisterRecurringJobs(this IServiceProvider services)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<ReconcilePendingChargesJob>(ReconcilePendingChargesJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<LowBalanceAlertJob>(LowBalanceAlertJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<PurgeExpiredIdempotencyKeysJob>(PurgeExpiredIdempotencyKeysJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        recurring.AddOrUpdate<PurgeExpiredCodeImagesJob>(PurgeExpiredCodeImagesJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        recurring.AddOrUpdate<Portal.Features.Payments.ReconcileTopUpOrdersJob>(Portal.Features.Payments.ReconcileTopUpOrdersJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<Portal.Features.WeChat.PurgeExpiredWeChatSessionsJob>(Portal.Features.WeChat.PurgeExpiredWeChatSessionsJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        recurring.AddOrUpdate<Portal.Features.Links.PurgeOldVisitStatsJob>(Portal.Features.Links.PurgeOldVisitStatsJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(3));
    }

    /// <summary>Maps the dashboard at <see cref="DashboardPath"/> for admins only.</summary>
    public static void MapJobsDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            DashboardTitle = "Portal jobs",
            AppPath = "/",
        }).RequireAuthorization(AuthorizationPolicies.Admin);

    private sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
