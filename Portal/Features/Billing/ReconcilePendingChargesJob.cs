namespace Portal.Features.Billing;

/// <summary>
/// Hangfire recurring job <c>billing:reconcile-pending-charges</c> (every minute): refunds Pending charges older than
/// <see cref="BillingOptions.PendingChargeTimeout"/>. Overlapping runs are harmless (each refund is guarded, I4).
/// </summary>
public sealed class ReconcilePendingChargesJob(BillingLedger ledger, Microsoft.Extensions.Options.IOptions<BillingOptions> options, ILogger<ReconcilePendingChargesJob> log)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "billing:reconcile-pending-charges";

    /// <summary>Runs one sweep. Returns how many charges this run refunded.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var refunded = await ledger.RefundStalePendingChargesAsync(options.Value.PendingChargeTimeout, options.Value.ReconcileBatchSize, ct);
        if (refunded > 0) log.LogWarning("Reconciler refunded {Count} stale pending charges", refunded);
        return refunded;
    }
}
