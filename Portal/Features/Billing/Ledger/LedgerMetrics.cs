namespace Portal.Features.Billing.Ledger;

/// <summary>
/// Metrics of the ledger writer (meter <c>Portal.Ledger</c>; read them with <c>dotnet-counters monitor -n Portal --counters Portal.Ledger</c>).
/// </summary>
public static class LedgerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Portal.Ledger";

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);

    /// <summary>Operations per committed (or failed) batch.</summary>
    public static readonly System.Diagnostics.Metrics.Histogram<int> BatchSize = Meter.CreateHistogram<int>("portal.ledger.batch_size", "{operation}", "Operations per ledger transaction");

    /// <summary>Time from BEGIN to the end of COMMIT, in seconds.</summary>
    public static readonly System.Diagnostics.Metrics.Histogram<double> CommitSeconds = Meter.CreateHistogram<double>("portal.ledger.commit_duration", "s", "Duration of one ledger transaction");

    private static LedgerWriter? _observed;

    /// <summary>Reports the queue length of <paramref name="writer"/> (the latest one created).</summary>
    internal static void ObserveQueue(LedgerWriter writer)
    {
        if (Interlocked.Exchange(ref _observed, writer) is null)
            Meter.CreateObservableGauge("portal.ledger.queue_length", () => Volatile.Read(ref _observed)?.QueueLength ?? 0, "{operation}", "Operations waiting for the ledger writer");
    }
}
