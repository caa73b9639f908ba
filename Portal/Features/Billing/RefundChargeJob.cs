namespace Portal.Features.Billing;

/// <summary>Hangfire job <c>billing:refund-charge</c>: retries one failed in-request refund. Re-entrant.</summary>
public sealed class RefundChargeJob(BillingLedger ledger)
{
    /// <summary>Refunds the charge if it is still Pending.</summary>
    public Task RunAsync(Guid chargeId, CancellationToken ct) => ledger.RefundAsync(chargeId, "retry of a failed refund", ct);
}
