using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
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

    /// <summary>Worker count. Default 2.</summary>
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
    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, IConfiguration configuration, DatabaseProvider provider)
    {
        var options = configuration.GetSection(BackgroundJobsOptions.Section).Get<BackgroundJobsOptions>() ?? new BackgroundJobsOptions();
        var connectionString = configuration.GetConnectionString("Portal");
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            switch (provider)
            {
                case DatabaseProvider.PostgreSql: config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString)); break;
                case DatabaseProvider.SqlServer: config.UseSqlServerStorage(connectionString); break;
                default: config.UseInMemoryStorage(); break;
            }
        });
        if (options.ServerEnabled)
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = Math.Max(1, options.WorkerCount);
                o.ShutdownTimeout = TimeSpan.FromSeconds(2);
            });
        }
        services.AddTransient<ReconcilePendingChargesJob>();
        services.AddTransient<LowBalanceAlertJob>();
        services.AddTransient<RefundChargeJob>();
        services.AddTransient<PurgeExpiredIdempotencyKeysJob>();
        return services;
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
