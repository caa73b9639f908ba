using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// Copies the SQLite write-ahead log into the database file on a thread and connection of its own, so that the ledger
/// writer's thread never does (docs/operations.md, "SQLite checkpoints"). Every
/// <see cref="LedgerWriterOptions.CheckpointInterval"/> it runs <c>PRAGMA wal_checkpoint(PASSIVE)</c>, which copies the
/// committed frames no reader still needs, fsyncs the log before and the database after (the connection runs with
/// <c>synchronous=FULL</c>), and never waits for or blocks the writer. A passive checkpoint cannot by itself let the log
/// start again from its beginning while the writer keeps adding frames, so once the log holds
/// <see cref="LedgerWriterOptions.CheckpointRestartFrames"/> frames it raises <see cref="RestartWanted"/>, and the writer
/// runs one more passive checkpoint between two batches (<see cref="LedgerWriter"/>): with nothing added meanwhile it
/// copies the last frames, and the writer's next transaction writes the log from its start again.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    // Its one row: (busy, frames in the log, frames copied).
    private const string Sql = "PRAGMA wal_checkpoint(PASSIVE)";

    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimeSpan _interval;
    private readonly long _restartFrames;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private volatile bool _restartWanted;

    /// <summary>Creates the checkpointer; <see cref="Start"/> starts its thread.</summary>
    public SqliteCheckpointer(IDbContextFactory<PortalDbContext> dbFactory, TimeSpan interval, long restartFrames, ILogger log)
    {
        _dbFactory = dbFactory;
        _interval = interval;
        _restartFrames = restartFrames;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "Portal SQLite checkpointer" };
    }

    /// <summary>True when the log has grown to the restart size and the writer should copy its last frames.</summary>
    public bool RestartWanted => _restartWanted;

    /// <summary>Starts the thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Runs the passive checkpoint on <paramref name="connection"/> (the writer's, between two batches) and clears
    /// <see cref="RestartWanted"/> once every frame of the log was copied, so that the next transaction starts the log
    /// again. Frames a reader still needs stay, and the writer tries again after its next batch.
    /// </summary>
    /// <exception cref="DbException">The checkpoint failed (the writer logs it; its batches are not affected).</exception>
    public void CheckpointFrom(DbConnection connection)
    {
        var (busy, frames, copied) = Checkpoint(connection);
        if (!busy && copied >= frames) _restartWanted = false;
    }

    /// <summary>Runs one passive checkpoint on <paramref name="connection"/>: whether another checkpoint was running, the frames in the log, the frames copied (also the writer's idle checkpoint).</summary>
    internal static (bool Busy, long Frames, long Copied) Checkpoint(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2)) : (false, 0, 0);
    }

    private void Run()
    {
        PortalDbContext? db = null;
        var failing = false;
        while (!_stop.Token.WaitHandle.WaitOne(_interval))
        {
            try
            {
                if (db is null)
                {
                    db = _dbFactory.CreateDbContext();
                    db.Database.OpenConnection();
                }
                var (_, frames, _) = Checkpoint(db.Database.GetDbConnection());
                if (frames >= _restartFrames) _restartWanted = true;
                if (failing) _log.LogInformation("SQLite checkpoints run again");
                failing = false;
            }
            catch (Exception ex)
            {
                // The log keeps its frames until a checkpoint copies them; nothing is lost, the next try reconnects. (An
                // exception leaving this thread would end the process.)
                if (!failing) _log.LogWarning(ex, "SQLite checkpoint failed; retrying every {Interval}", _interval);
                failing = true;
                db?.Dispose();
                db = null;
            }
        }
        db?.Dispose();
    }

    /// <summary>Stops the thread (after the checkpoint it may be running) and closes its connection; a second call does nothing.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        if (_thread.IsAlive) _thread.Join();
        _stop.Dispose();
    }
}
