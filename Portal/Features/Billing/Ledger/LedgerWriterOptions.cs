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

    /// <summary>
    /// SQLite on Linux and other Unix systems: the writer commits at <c>synchronous=NORMAL</c> and a thread of its own
    /// flushes the write-ahead log after each commit, answering that batch's callers only once the flush returned
    /// (<see cref="SqliteLogFlusher"/>); the next batch runs meanwhile. Default true.
    /// </summary>
    public bool SqliteFlushThread { get; set; } = true;

    /// <summary>
    /// SQLite without a <see cref="CheckpointInterval"/>: after this many batches, the writer copies the write-ahead log
    /// into the database file (a passive checkpoint on its own connection) at the first moment no operation is waiting,
    /// so that the copy falls between the bursts of requests instead of inside a commit that callers wait for. SQLite's
    /// own checkpoint every 1,000 frames stays, for a writer that is never idle. Default zero: every checkpoint is
    /// SQLite's. Measured on 2 cores at 32 connections with 4: p99 of billed calls mostly a sixth to a quarter lower, and
    /// 3–10 % fewer calls a second (docs/performance.md).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)]
    public int IdleCheckpointBatches { get; set; }

    /// <summary>
    /// SQLite only: when above zero, how often a thread of its own copies the write-ahead log into the database file,
    /// so that the writer's thread never does (<see cref="SqliteCheckpointer"/>; 20 ms is a good value). Default zero:
    /// SQLite runs the checkpoints itself, in the writer's commits, every 1,000 frames. Measured on 2 cores: with the
    /// thread, up to a third more billed short links a second at 256 connections, none more at 32 and a longer p99
    /// there for a thousand accounts (docs/performance.md).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// SQLite with a <see cref="CheckpointInterval"/> only: frames (pages, 4 KiB each by default) the write-ahead log
    /// may hold before the writer copies its last frames between two batches, so that the log starts again from its beginning. Default 16,384 (64 MiB); the log
    /// file keeps its largest size on disk.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int CheckpointRestartFrames { get; set; } = 16_384;
}
