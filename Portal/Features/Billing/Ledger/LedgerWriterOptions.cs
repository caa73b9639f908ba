namespace Portal.Features.Billing.Ledger;

/// <summary>Configuration section <c>Billing:Writer</c>.</summary>
public sealed class LedgerWriterOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Billing:Writer";

    /// <summary>Operations waiting for the writer before new ones are refused with 503. Default 10,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Most operations committed in one transaction. Default 64 (on PostgreSQL each operation's savepoint is a
    /// subtransaction, and more than 64 in one transaction slow every other session's snapshots).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int MaxBatch { get; set; } = 64;

    /// <summary>
    /// Longest time the writer keeps gathering operations that running requests are still adding before it commits
    /// (it stops earlier as soon as none arrive). Default 1 ms; zero commits whatever is waiting at once.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan MaxLinger { get; set; } = TimeSpan.FromMilliseconds(1);
}
