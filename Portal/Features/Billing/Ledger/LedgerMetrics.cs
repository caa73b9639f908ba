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

    /// <summary>
    /// Time an operation waited in the queue, from its submission to the start of its batch's transaction (after the
    /// writer's linger), in seconds. Grows when the writer is the bottleneck.
    /// </summary>
    public static readonly System.Diagnostics.Metrics.Histogram<double> QueueWaitSeconds = Meter.CreateHistogram<double>("portal.ledger.queue_wait", "s", "Time an operation waited for its batch to start");

    /// <summary>
    /// Time from an operation's submission to its answer after the commit (on SQLite with the log flush thread, after the
    /// log's flush), in seconds: what a billed call spends in the ledger. Operations answered with a failure are not counted.
    /// </summary>
    public static readonly System.Diagnostics.Metrics.Histogram<double> OperationSeconds = Meter.CreateHistogram<double>("portal.ledger.operation_duration", "s", "Time from submission to the answer of a committed operation");

    /// <summary>
    /// SQLite with the log flush thread: duration of one <c>fdatasync</c> of the write-ahead log, in seconds (one flush
    /// covers every batch committed since the one before).
    /// </summary>
    public static readonly System.Diagnostics.Metrics.Histogram<double> LogFlushSeconds = Meter.CreateHistogram<double>("portal.ledger.log_flush_duration", "s", "Duration of one flush of the SQLite write-ahead log");

    private static LedgerWriter? _observed;

    /// <summary>Reports the queue length of <paramref name="writer"/> (the latest one created).</summary>
    internal static void ObserveQueue(LedgerWriter writer)
    {
        if (Interlocked.Exchange(ref _observed, writer) is null)
            Meter.CreateObservableGauge("portal.ledger.queue_length", () => Volatile.Read(ref _observed)?.QueueLength ?? 0, "{operation}", "Operations waiting for the ledger writer");
    }
}
