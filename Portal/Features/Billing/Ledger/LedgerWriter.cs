using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

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
}

/// <summary>The ledger writer could not take the operation: its queue is full. Answered 503 with <c>Retry-After</c>.</summary>
public sealed class LedgerBusyException() : Infrastructure.Api.ServiceUnavailableException("账务写入繁忙，请稍后重试");

/// <summary>
/// The batch holding the operation failed to commit (or the database failed): nothing of it was acknowledged.
/// Answered 503 with <c>Retry-After</c>.
/// </summary>
public sealed class LedgerUnavailableException(Exception inner) : Infrastructure.Api.ServiceUnavailableException("账务数据库暂时不可用，请稍后重试", inner);

/// <summary>
/// The one writer of balances, charges and ledger entries in this process (docs/architecture.md, "The ledger writer").
/// Callers enqueue an operation into a bounded queue and await its outcome; one loop takes up to
/// <see cref="LedgerWriterOptions.MaxBatch"/> waiting operations, runs each inside its own savepoint of one
/// transaction, commits once, and only then answers every caller. One operation's refusal (a balance too low, a
/// duplicate request id, a cap) undoes only its savepoint and is answered only to it; a failed COMMIT fails every
/// operation of the batch and acknowledges none. Callers that hang up do not cancel an operation in flight.
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
        EnsureStarted();
        if (!_queue.Writer.TryWrite(op)) throw _closed ? new LedgerUnavailableException(new ObjectDisposedException(nameof(LedgerWriter))) : new LedgerBusyException();
        return op.Answer;
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startGate) _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var batch = new List<LedgerOp>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var op)) batch.Add(op);
            await CommitBatchAsync(batch);
            batch.Clear();
        }
        if (_session is not null) await _session.DisposeAsync();
    }

    private async Task CommitBatchAsync(List<LedgerOp> batch)
    {
        // Every instance takes account rows in the same (ordinal) order, so two writers never deadlock on them.
        batch.Sort(static (a, b) => string.CompareOrdinal(a.LockKey, b.LockKey));
        var now = _time.GetUtcNow();
        try
        {
            _session ??= await LedgerSession.OpenAsync(_dbFactory, _dialect, CancellationToken.None);
            await _session.BeginAsync(CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                await RunInSavepointAsync(_session, batch[i], now);
                if (i == 0 && batch.Count > 1) _faults.At(FaultPoints.LedgerBetweenSavepoints);
            }
            _faults.At(FaultPoints.LedgerCommitFails);
            await _session.CommitAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            if (_session is not null) await _session.RollbackAsync();
            await DropSessionAsync();
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
        foreach (var op in batch) op.Complete();
    }

    private static async Task RunInSavepointAsync(LedgerSession session, LedgerOp op, DateTimeOffset now)
    {
        await session.SavepointAsync();
        bool keep;
        try
        {
            keep = await op.ExecuteAsync(session, now);
        }
        catch (DbException ex) when (session.Dialect.IsConstraintViolation(ex))
        {
            op.Refused(ex);
            keep = false;
        }
        if (!keep) await session.RollbackToSavepointAsync();
        await session.ReleaseSavepointAsync();
    }

    private async Task DropSessionAsync()
    {
        if (_session is null) return;
        try
        {
            await _session.DisposeAsync();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            _log.LogWarning(ex, "Closing the ledger connection failed");
        }
        _session = null;
    }

    /// <summary>Stops taking operations, finishes every queued one, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
    }
}
