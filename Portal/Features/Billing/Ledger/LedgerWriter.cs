using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// The one writer of balances, charges and ledger entries in this process (docs/architecture.md, "The ledger writer").
/// Callers enqueue an operation into a bounded queue and await its outcome; one loop takes up to
/// <see cref="LedgerWriterOptions.MaxBatch"/> waiting operations, runs each in one transaction so that it can be
/// undone alone (a savepoint of its own, or a run of the batch without it), commits once, and only then (on SQLite with
/// <see cref="LedgerWriterOptions.SqliteFlushThread"/>, once <see cref="SqliteLogFlusher"/> has flushed the log) answers
/// every caller. One operation's refusal (a balance too low, a duplicate request id, a cap) undoes only that operation
/// and is answered only to it; a failed COMMIT fails every operation of the batch and acknowledges none. Callers that
/// hang up do not cancel an operation in flight.
/// </summary>
public sealed class LedgerWriter : IAsyncDisposable
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly LedgerDialect _dialect;
    private readonly TimeProvider _time;
    private readonly IFaultInjector _faults;
    private readonly ILogger<LedgerWriter> _log;
    private readonly Channel<LedgerOp> _queue;
    private readonly int _maxBatch;
    private readonly long _lingerTicks;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly bool _flushThread;
    private readonly int _idleCheckpointBatches;
    private int _batchesSinceCheckpoint;
    private SqliteLogFlusher? _flusher;
    private readonly Lock _startGate = new();
    private Task? _loop;
    private LedgerSession? _session;
    private volatile bool _closed;

    /// <summary>Creates the writer; its loop starts with the first operation.</summary>
    public LedgerWriter(IDbContextFactory<PortalDbContext> dbFactory, IOptions<DatabaseOptions> database, IOptions<LedgerWriterOptions> options,
        TimeProvider time, IFaultInjector faults, ILogger<LedgerWriter> log)
    {
        _dbFactory = dbFactory;
        _dialect = LedgerDialect.For(database.Value.Provider);
        _time = time;
        _faults = faults;
        _log = log;
        _maxBatch = options.Value.MaxBatch;
        _lingerTicks = (long)(options.Value.MaxLinger.TotalSeconds * time.TimestampFrequency);
        if (database.Value.Provider == DatabaseProvider.Sqlite && options.Value.CheckpointInterval > TimeSpan.Zero)
            _checkpointer = new SqliteCheckpointer(dbFactory, options.Value.CheckpointInterval, options.Value.CheckpointRestartFrames, log);
        _flushThread = database.Value.Provider == DatabaseProvider.Sqlite && options.Value.SqliteFlushThread && SqliteLogFlusher.Supported;
        if (database.Value.Provider == DatabaseProvider.Sqlite && _checkpointer is null) _idleCheckpointBatches = options.Value.IdleCheckpointBatches;
        LedgerMetrics.ObserveQueue(this);
        _queue = Channel.CreateBounded<LedgerOp>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Operations waiting for the writer (for health and metrics).</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Enqueues <paramref name="op"/> and returns its answer.</summary>
    /// <exception cref="LedgerBusyException">The queue is full (thrown at once).</exception>
    internal Task<T> SubmitAsync<T>(LedgerOp<T> op)
    {
        if (_closed) throw new LedgerUnavailableException(new ObjectDisposedException(nameof(LedgerWriter)));
        if (_flusher is { Failed: true }) throw FlushFailed();
        EnsureStarted();
        op.SubmittedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!_queue.Writer.TryWrite(op)) throw _closed ? new LedgerUnavailableException(new ObjectDisposedException(nameof(LedgerWriter))) : new LedgerBusyException();
        return op.Answer;
    }

    /// <summary>
    /// Completes once every batch committed so far is on disk. Immediate unless the SQLite log flush thread is on, where a
    /// batch is visible to other connections just before its flush (<see cref="SqliteLogFlusher"/>).
    /// </summary>
    /// <exception cref="LedgerBusyException">The queue is full.</exception>
    /// <exception cref="LedgerUnavailableException">The writer is stopped, or an earlier flush failed.</exception>
    internal Task DurableAsync() => _flushThread ? SubmitAsync(new BarrierOp()) : Task.CompletedTask;

    // After a failed log flush (SqliteLogFlusher) nothing more is written: refused, and nothing of it happened.
    private static LedgerUnavailableException FlushFailed() =>
        new(new IOException("the ledger's write-ahead log could not be flushed"));

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startGate)
        {
            if (_loop is not null) return;
            // A thread of its own: the writer's statements are synchronous (SQLite is in-process), and queued behind
            // the thread pool's request work its batches would wait for every request in the process.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    Run();
                    done.SetResult();
                }
                catch (Exception ex)
                {
                    _log.LogCritical(ex, "The ledger writer stopped");
                    done.SetException(ex);
                }
            })
            { IsBackground = true, Name = "Portal ledger writer" };
            if (_flushThread) _flusher = new SqliteLogFlusher(_faults, _log);
            thread.Start();
            _checkpointer?.Start();
            _loop = done.Task;
        }
    }

    private void Run()
    {
        var batch = new List<LedgerOp>(_maxBatch);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            Take(batch);
            // A commit costs about the same for one operation as for many (the pages it writes, the fsync). While
            // requests that are already running keep adding operations, take them too, until a short pause brings
            // nothing new, the batch is full or the linger time is up.
            var lingerUntil = _time.GetTimestamp() + _lingerTicks;
            while (batch.Count < _maxBatch && _time.GetTimestamp() < lingerUntil)
            {
                Thread.Yield();
                if (Take(batch) == 0) break;
            }
            var started = _time.GetTimestamp();
            if (LedgerMetrics.QueueWaitSeconds.Enabled)
                foreach (var op in batch) LedgerMetrics.QueueWaitSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(op.SubmittedAt).TotalSeconds);
            try
            {
                CommitBatch(batch);
            }
            catch (Exception ex)
            {
                // CommitBatch answers its own failures; whatever still escapes it must not stop the writer with callers
                // waiting: answer them all (nothing of the batch is acknowledged) and carry on with a new connection.
                _log.LogError(ex, "Ledger batch of {Count} operation(s) failed unexpectedly; none was acknowledged", batch.Count);
                foreach (var op in batch) op.Fail(new LedgerUnavailableException(ex));
                AbandonSession();
            }
            LedgerMetrics.BatchSize.Record(batch.Count);
            LedgerMetrics.CommitSeconds.Record(_time.GetElapsedTime(started).TotalSeconds);
            batch.Clear();
            if (_checkpointer is { RestartWanted: true }) RestartLog(_checkpointer);
            else if (_idleCheckpointBatches > 0 && ++_batchesSinceCheckpoint >= _idleCheckpointBatches && _queue.Reader.Count == 0)
                CheckpointWhileIdle();
        }
        _flusher?.Drain();
        _session?.Dispose();
    }

    /// <summary>
    /// Between two batches (every caller of the last one answered, or waiting only for its log flush): copies the log's
    /// last frames so that the next transaction writes it from its start again (<see cref="SqliteCheckpointer"/>). A
    /// failure leaves the log as it is.
    /// </summary>
    private void RestartLog(SqliteCheckpointer checkpointer)
    {
        if (_session is not { } session) return;
        try
        {
            checkpointer.CheckpointFrom(session.Connection);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Nothing of a batch depends on it: the frames stay in the log, and a broken connection fails the next batch.
            _log.LogWarning(ex, "Checkpoint of the ledger's write-ahead log failed; trying again after the next batch");
        }
    }

    /// <summary>
    /// SQLite, nobody waiting: copies the log into the database file now (<see cref="LedgerWriterOptions.IdleCheckpointBatches"/>),
    /// so that SQLite's own checkpoint, run inside a commit, rarely has to. With the connection's <c>synchronous</c>
    /// setting the checkpoint syncs the log before it copies and the database file after, as SQLite's own does.
    /// A failure leaves the frames in the log for the next checkpoint.
    /// </summary>
    private void CheckpointWhileIdle()
    {
        _batchesSinceCheckpoint = 0;
        if (_session is not { } session) return;
        try
        {
            SqliteCheckpointer.Checkpoint(session.Connection);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // Nothing of a batch depends on it; a broken connection fails the next batch, which opens a new one.
            _log.LogWarning(ex, "Checkpoint of the ledger's write-ahead log failed; SQLite's own checkpoints still run");
        }
    }

    private int Take(List<LedgerOp> batch)
    {
        var taken = 0;
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var op))
        {
            batch.Add(op);
            taken++;
        }
        return taken;
    }

    private void CommitBatch(List<LedgerOp> batch)
    {
        // Every instance takes account rows in the same (ordinal) order, so two writers never deadlock on them.
        batch.Sort(static (a, b) => string.CompareOrdinal(a.LockKey, b.LockKey));
        var now = _time.GetUtcNow();
        var running = batch;
        if (_flusher is { Failed: true })
        {
            foreach (var op in batch) op.Fail(FlushFailed());
            return;
        }
        try
        {
            _session ??= LedgerSession.Open(_dbFactory, _dialect, automaticCheckpoints: _checkpointer is null, flushThread: _flusher is not null);
            // A debit run without a savepoint of its own (pipelined, or SQLite's plain debit) that breaks a constraint
            // spoils the transaction: record its refusal and run the rest again, each in a savepoint this time, so a
            // second refusal is undone alone and a batch runs at most twice. (When a set of debits broke it together,
            // none is known to be refused yet: all of them run again, each in a savepoint.)
            while (!TryRun(_session, running, now, out var refused))
            {
                _session.Rollback();
                if (ReferenceEquals(running, batch)) running = [.. batch];
                if (refused is not null) running.Remove(refused);
                foreach (var op in running) op.InSavepoint = true;
            }
            _faults.At(FaultPoints.LedgerCommitFails);
            _session.Commit();
        }
        catch (Exception ex)
        {
            _session?.Rollback();
            DropSession();
            // An injected fault stands for the process dying there: nobody is answered. Anything else is a failed batch.
            var died = ex is InjectedFaultException { Point: not FaultPoints.LedgerCommitFails };
            var failure = died ? ex : new LedgerUnavailableException(ex);
            if (!died) _log.LogError(ex, "Ledger batch of {Count} operation(s) failed; none was acknowledged", batch.Count);
            foreach (var op in batch) op.Fail(failure);
            return;
        }

        try
        {
            _faults.At(FaultPoints.LedgerAfterCommit);
        }
        catch (InjectedFaultException ex)
        {
            foreach (var op in batch) op.Fail(ex);
            return;
        }
        if (_flusher is not null) _flusher.Enqueue([.. batch], _session.Log!);
        else foreach (var op in batch) op.Complete();
    }

    /// <summary>
    /// Runs every operation in a new transaction; false (and the refused debit, or null when a set of debits broke it
    /// together) when a debit without a savepoint of its own broke a constraint.
    /// </summary>
    private bool TryRun(LedgerSession session, List<LedgerOp> ops, DateTimeOffset now, out LedgerOp? refused)
    {
        session.Begin();
        for (var i = 0; i < ops.Count;)
        {
            var run = 1;
            if (session.Pipeline is { } pipeline && !ops[i].InSavepoint && LedgerPipeline.Accepts(ops[i]))
            {
                while (i + run < ops.Count && !ops[i + run].InSavepoint && LedgerPipeline.Accepts(ops[i + run])) run++;
                try
                {
                    pipeline.Run(session.Transaction, ops.GetRange(i, run).Cast<DebitOp>().ToList(), now);
                }
                catch (PipelinedDebitRefusedException ex)
                {
                    // A set's statement does not say which of its debits broke the constraint: the run again puts every
                    // operation in a savepoint of its own, where the one that breaks it is refused alone.
                    ex.Op?.Refused(ex.Error);
                    refused = ex.Op;
                    return false;
                }
            }
            else if (!ops[i].InSavepoint && session.Dialect.DebitsWithoutSavepoint && LedgerPipeline.Accepts(ops[i]))
            {
                // SQLite: a debit without a daily cap undoes nothing when the balance is too low (its UPDATE matched no
                // row), so it needs no savepoint of its own. When one of its statements breaks a constraint, the batch
                // is run again without it, every other operation in a savepoint (a second refusal costs no third run).
                try
                {
                    ops[i].Execute(session, now);
                }
                catch (DbException ex) when (session.Dialect.IsConstraintViolation(ex))
                {
                    ops[i].Refused(ex);
                    refused = ops[i];
                    return false;
                }
            }
            else RunInSavepoint(session, ops[i], now);
            if (i == 0 && ops.Count > 1) _faults.At(FaultPoints.LedgerBetweenSavepoints);
            i += run;
        }
        refused = null;
        return true;
    }

    private static void RunInSavepoint(LedgerSession session, LedgerOp op, DateTimeOffset now)
    {
        session.Savepoint();
        bool keep;
        try
        {
            keep = op.Execute(session, now);
        }
        catch (DbException ex) when (session.Dialect.IsConstraintViolation(ex))
        {
            op.Refused(ex);
            keep = false;
        }
        if (!keep) session.RollbackToSavepoint();
        session.ReleaseSavepoint();
    }

    private void DropSession()
    {
        if (_session is null) return;
        // Batches committed on this connection and not yet flushed are flushed through its handle first.
        _flusher?.Drain();
        try
        {
            _session.Dispose();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            _log.LogWarning(ex, "Closing the ledger connection failed");
        }
        _session = null;
    }

    private void AbandonSession()
    {
        var session = _session;
        _session = null;
        try
        {
            _flusher?.Drain();
            session?.Dispose();
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Closing the ledger connection failed");
        }
    }

    /// <summary>Stops taking operations, finishes every queued one, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        _flusher?.Dispose();
        _checkpointer?.Dispose();
    }
}
