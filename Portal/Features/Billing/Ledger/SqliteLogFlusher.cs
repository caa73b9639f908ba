using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// SQLite with <see cref="LedgerWriterOptions.SqliteFlushThread"/>: the ledger writer commits its batches at
/// <c>synchronous=NORMAL</c> (the commit writes the log and does not wait for the disk) and hands each committed batch
/// here; this thread makes the log durable with one <c>fdatasync</c> for every batch committed since the last one, and
/// only then answers their callers. The writer meanwhile runs the next batch, so a batch's statements and the previous
/// batch's flush overlap instead of taking turns (docs/architecture.md, "The ledger writer").
/// A caller is still never answered before its charge and ledger rows are on disk: the log is written in commit order
/// and recovered up to its first incomplete frame, so a flush covers every batch committed before it, and a crash before
/// it loses only batches nobody was answered for. A failed flush fails every batch it covered with
/// <see cref="LedgerFlushFailedException"/> and stops the writer for good: after a failed fsync Linux may have dropped
/// the pages it could not write, and a later flush that succeeds says nothing about them, so no later batch may be
/// acknowledged either (a restart recovers the log from what the disk holds).
/// </summary>
internal sealed class SqliteLogFlusher : IDisposable
{
    private readonly Channel<(LedgerOp[] Ops, SafeFileHandle Log)> _queue =
        Channel.CreateUnbounded<(LedgerOp[], SafeFileHandle)>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly IFaultInjector _faults;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private long _queued;
    private long _answered;
    private volatile bool _failed;

    /// <summary>Creates the flusher and starts its thread.</summary>
    public SqliteLogFlusher(IFaultInjector faults, ILogger log)
    {
        _faults = faults;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "Portal ledger log flush" };
        _thread.Start();
    }

    /// <summary>True on Linux and the other Unix systems, where a handle of our own can flush SQLite's log file.</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>True once a flush failed: the writer takes no more operations.</summary>
    public bool Failed => _failed;

    /// <summary>
    /// Opens the write-ahead log of the database at <paramref name="databasePath"/> for flushing. Opened once per writer
    /// connection and kept for its life: while that connection is open SQLite never replaces the file, and a handle open
    /// when a write-back error happens is the one that reports it.
    /// </summary>
    /// <exception cref="IOException">The log cannot be opened.</exception>
    public static SafeFileHandle OpenLog(string databasePath) =>
        File.OpenHandle(databasePath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Answers <paramref name="ops"/> (a committed batch) once <paramref name="log"/> is flushed.</summary>
    public void Enqueue(LedgerOp[] ops, SafeFileHandle log)
    {
        lock (_gate) _queued++;
        _queue.Writer.TryWrite((ops, log));
    }

    /// <summary>Waits until every batch enqueued so far is answered (before the writer closes the log's handle).</summary>
    public void Drain()
    {
        lock (_gate)
        {
            var target = _queued;
            while (_answered < target) Monitor.Wait(_gate);
        }
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var taken = new List<(LedgerOp[] Ops, SafeFileHandle Log)>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item)) taken.Add(item);
            Exception? failure = null;
            try
            {
                if (_failed) throw new IOException("an earlier flush of the ledger's write-ahead log failed");
                _faults.At(FaultPoints.LedgerLogFlushFails);
                // Batches of one connection share a handle; after a reconnect the old handle's batches come first.
                SafeFileHandle? last = null;
                foreach (var (_, log) in taken)
                {
                    if (ReferenceEquals(log, last)) continue;
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    Flush(log);
                    LedgerMetrics.LogFlushSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                    last = log;
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                _failed = true;
                _log.LogCritical(ex, "Flushing the ledger's write-ahead log failed; {Count} committed batch(es) not acknowledged, and the " +
                    "ledger writer takes no more operations until the process restarts", taken.Count);
            }
            foreach (var (ops, _) in taken)
                foreach (var op in ops)
                {
                    if (failure is null) op.Complete();
                    else op.Fail(new LedgerFlushFailedException(failure));
                }
            lock (_gate)
            {
                _answered += taken.Count;
                Monitor.PulseAll(_gate);
            }
            taken.Clear();
        }
    }

    private static void Flush(SafeFileHandle log)
    {
        var fd = (int)log.DangerousGetHandle();
        var result = OperatingSystem.IsLinux() ? FDataSync(fd) : FSync(fd);
        if (result != 0) throw new IOException($"fdatasync of the ledger's write-ahead log failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(int fd);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    /// <summary>Answers every batch still queued, then stops the thread.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }
}
