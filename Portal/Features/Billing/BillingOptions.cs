using System.ComponentModel.DataAnnotations;

namespace Portal.Features.Billing;

/// <summary>Configuration section <c>Billing</c>.</summary>
public sealed class BillingOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Billing";

    /// <summary>
    /// A Pending charge older than this is refunded by <c>billing:reconcile-pending-charges</c>. Must exceed the
    /// longest upstream call (timeouts × retries) plus a margin. Default 2 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PendingChargeTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most charges one reconciler run refunds (keeps each run short). Default 500.</summary>
    [Range(1, 100_000)]
    public int ReconcileBatchSize { get; set; } = 500;
}
