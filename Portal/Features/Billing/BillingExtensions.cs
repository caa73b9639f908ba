namespace Portal.Features.Billing;

/// <summary>Registers the billing domain.</summary>
public static class BillingExtensions
{
    /// <summary>Adds the ledger, the charge flow and redemption codes.</summary>
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IFaultInjector, NoFaults>();
        services.AddOptions<Ledger.LedgerWriterOptions>().BindConfiguration(Ledger.LedgerWriterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Ledger.LedgerWriter>();
        services.AddOptions<Ledger.CounterOptions>().BindConfiguration(Ledger.CounterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Ledger.CoalescedCounters>();
        services.AddHostedService<Ledger.CounterFlushService>();
        services.AddSingleton<PriceCache>();
        services.AddSingleton<BalanceFeed>();
        services.AddSingleton<BillingLedger>();
        services.AddSingleton<BillingAudit>();
        services.AddScoped<ChargeFlow>();
        services.AddScoped<DeferredSettlement>();
        services.AddSingleton<Portal.Infrastructure.Api.IApiCallers, LedgerApiCallers>();
        services.AddScoped<Portal.Infrastructure.Idempotency.IIdempotentSettlement, LedgerIdempotentSettlement>();
        services.AddSingleton<RedemptionCodeService>();
        services.AddSingleton<LowBalanceAlerts>();
        // Read-only queries behind the ledger, calls and usage pages; every write goes through the ledger.
        services.AddSingleton<LedgerQueries>();
        services.AddSingleton<UsageQueries>();
        return services;
    }
}
