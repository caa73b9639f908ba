namespace Portal.Features.Payments;

/// <summary>
/// Recurring job <c>payments:reconcile-topups</c> (every minute): re-queries Pending top-up orders older than a minute, so
/// a lost notification still credits, and closes the expired unpaid ones. Does nothing when payments are off.
/// </summary>
public sealed class ReconcileTopUpOrdersJob(TopUpService topUps)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "payments:reconcile-topups";

    /// <summary>Orders younger than this are left to their notification.</summary>
    public static readonly TimeSpan MinAge = TimeSpan.FromMinutes(1);

    /// <summary>Most orders one run queries.</summary>
    public const int BatchSize = 200;

    /// <summary>Runs once.</summary>
    [Hangfire.DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken ct)
    {
        if (!topUps.Enabled) return;
        await topUps.ReconcileAsync(MinAge, BatchSize, ct);
    }
}
