using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;
using Portal.Features.Links;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// The ledger writer's connection, its current transaction and every statement it runs, prepared once per connection.
/// Statement order inside an operation follows the one lock order of the ledger: the account row first, then the
/// token's daily-spend row, then the charge, then everything else.
/// </summary>
internal sealed class LedgerSession : IDisposable
{
    private readonly PortalDbContext _db;
    private readonly DbConnection _connection;
    private readonly Dictionary<Type, (LedgerCommand Command, Func<object, object?>[] Values)> _inserts = [];
    private DbTransaction? _transaction;
    // Prepared once: the transaction's own Save/Release build and compile a new statement on every call.
    private readonly LedgerCommand _savepoint;
    private readonly LedgerCommand _rollbackToSavepoint;
    private readonly LedgerCommand? _releaseSavepoint;

    private LedgerSession(PortalDbContext db, LedgerDialect dialect)
    {
        _db = db;
        _connection = db.Database.GetDbConnection();
        Dialect = dialect;
        var sql = new LedgerSqlBuilder(db, _connection);
        Sql = sql;
        _savepoint = sql.Prepare(dialect.Savepoint);
        _rollbackToSavepoint = sql.Prepare(dialect.RollbackToSavepoint);
        _releaseSavepoint = dialect.ReleaseSavepoint is { } release ? sql.Prepare(release) : null;
        Pipeline = dialect.PipelinesDebits && _connection.CanCreateBatch ? new LedgerPipeline(_connection, dialect, sql) : null;

        // One set of statements per mode: the live balance column or the test one, otherwise the same statements.
        (Debit, Credit, Balance) = BalanceStatements(sql, dialect, nameof(Account.BalanceFen));
        (TestDebit, TestCredit, TestBalance) = BalanceStatements(sql, dialect, nameof(Account.TestBalanceFen));

        string daily = sql.Table<ApiTokenDailySpend>(), dToken = sql.Column<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.ApiTokenId)),
            dDay = sql.Column<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.Day)), dSpent = sql.Column<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.SpentFen));
        var dailyKey = new[] { sql.Property<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.ApiTokenId)), sql.Property<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.Day)) };
        var spent = sql.Property<ApiTokenDailySpend>(nameof(ApiTokenDailySpend.SpentFen));
        EnsureDailySpend = sql.Prepare(dialect.InsertIfMissing(daily, [dToken, dDay, dSpent], ["@p0", "@p1", "0"], [dToken, dDay]), dailyKey);
        SpendWithinCap = sql.Prepare($"UPDATE {daily} SET {dSpent} = {dSpent} + @p2 WHERE {dToken} = @p0 AND {dDay} = @p1 AND {dSpent} + @p2 <= @p3",
            [.. dailyKey, spent, spent]);
        GiveBackSpend = sql.Prepare($"UPDATE {daily} SET {dSpent} = {dSpent} - @p2 WHERE {dToken} = @p0 AND {dDay} = @p1 AND {dSpent} >= @p2",
            [.. dailyKey, spent]);

        string charges = sql.Table<Charge>(), cId = sql.Column<Charge>(nameof(Charge.Id)), cStatus = sql.Column<Charge>(nameof(Charge.Status)),
            cSettled = sql.Column<Charge>(nameof(Charge.SettledAt)), cReason = sql.Column<Charge>(nameof(Charge.FailureReason));
        var chargeId = sql.Property<Charge>(nameof(Charge.Id));
        var status = sql.Property<Charge>(nameof(Charge.Status));
        var settledAt = sql.Property<Charge>(nameof(Charge.SettledAt));
        Settle = sql.Prepare($"UPDATE {charges} SET {cStatus} = @p1, {cSettled} = @p2 WHERE {cId} = @p0 AND {cStatus} = @p3",
            chargeId, status, settledAt, status);
        MarkRefunded = sql.Prepare($"UPDATE {charges} SET {cStatus} = @p1, {cSettled} = @p2, {cReason} = @p3 WHERE {cId} = @p0 AND {cStatus} = @p4",
            chargeId, status, settledAt, sql.Property<Charge>(nameof(Charge.FailureReason)), status);
        string records = sql.Table<IdempotencyRecord>();
        string R(string p) => sql.Column<IdempotencyRecord>(p);
        IdempotencyRecordProperty IP(string p) => new(sql.Property<IdempotencyRecord>(p));
        CompleteIdempotencyKey = sql.Prepare(
            $"UPDATE {records} SET {R(nameof(IdempotencyRecord.Status))} = @p1, {R(nameof(IdempotencyRecord.ResponseStatus))} = @p2, " +
            $"{R(nameof(IdempotencyRecord.ResponseContentType))} = @p3, {R(nameof(IdempotencyRecord.ResponseContentDisposition))} = @p4, " +
            $"{R(nameof(IdempotencyRecord.ResponseCacheControl))} = @p5, {R(nameof(IdempotencyRecord.ResponseBody))} = @p6 " +
            $"WHERE {R(nameof(IdempotencyRecord.Id))} = @p0 AND {R(nameof(IdempotencyRecord.Status))} = @p7",
            IP(nameof(IdempotencyRecord.Id)).P, IP(nameof(IdempotencyRecord.Status)).P, IP(nameof(IdempotencyRecord.ResponseStatus)).P,
            IP(nameof(IdempotencyRecord.ResponseContentType)).P, IP(nameof(IdempotencyRecord.ResponseContentDisposition)).P,
            IP(nameof(IdempotencyRecord.ResponseCacheControl)).P, IP(nameof(IdempotencyRecord.ResponseBody)).P, IP(nameof(IdempotencyRecord.Status)).P);

        string tokens = sql.Table<ApiToken>(), tId = sql.Column<ApiToken>(nameof(ApiToken.Id)), tUsed = sql.Column<ApiToken>(nameof(ApiToken.LastUsedAt)),
            tIp = sql.Column<ApiToken>(nameof(ApiToken.LastUsedIp));
        var used = sql.Property<ApiToken>(nameof(ApiToken.LastUsedAt));
        TouchToken = sql.Prepare($"UPDATE {tokens} SET {tUsed} = @p1, {tIp} = @p2 WHERE {tId} = @p0 AND ({tUsed} IS NULL OR {tUsed} < @p3)",
            sql.Property<ApiToken>(nameof(ApiToken.Id)), used, sql.Property<ApiToken>(nameof(ApiToken.LastUsedIp)), used);

        string links = sql.Table<ShortLink>(), lCode = sql.Column<ShortLink>(nameof(ShortLink.Code)), lVisits = sql.Column<ShortLink>(nameof(ShortLink.VisitCount)),
            lLast = sql.Column<ShortLink>(nameof(ShortLink.LastVisitedAt));
        CountShortLinkVisits = sql.Prepare($"UPDATE {links} SET {lVisits} = {lVisits} + @p1, {lLast} = @p2 WHERE {lCode} = @p0",
            sql.Property<ShortLink>(nameof(ShortLink.Code)), sql.Property<ShortLink>(nameof(ShortLink.VisitCount)), sql.Property<ShortLink>(nameof(ShortLink.LastVisitedAt)));
        string mpLinks = sql.Table<MiniProgramLink>(), mCode = sql.Column<MiniProgramLink>(nameof(MiniProgramLink.Code)),
            mVisits = sql.Column<MiniProgramLink>(nameof(MiniProgramLink.VisitCount));
        CountMiniProgramLinkVisits = sql.Prepare($"UPDATE {mpLinks} SET {mVisits} = {mVisits} + @p1 WHERE {mCode} = @p0",
            sql.Property<MiniProgramLink>(nameof(MiniProgramLink.Code)), sql.Property<MiniProgramLink>(nameof(MiniProgramLink.VisitCount)));

        string stats = sql.Table<ShortLinkVisitStat>();
        string S(string p) => sql.Column<ShortLinkVisitStat>(p);
        var statKey = new[]
        {
            sql.Property<ShortLinkVisitStat>(nameof(ShortLinkVisitStat.Code)), sql.Property<ShortLinkVisitStat>(nameof(ShortLinkVisitStat.Day)),
            sql.Property<ShortLinkVisitStat>(nameof(ShortLinkVisitStat.ReferrerHost)), sql.Property<ShortLinkVisitStat>(nameof(ShortLinkVisitStat.Device)),
        };
        string[] statKeyColumns = [S(nameof(ShortLinkVisitStat.Code)), S(nameof(ShortLinkVisitStat.Day)), S(nameof(ShortLinkVisitStat.ReferrerHost)), S(nameof(ShortLinkVisitStat.Device))];
        var sVisits = S(nameof(ShortLinkVisitStat.Visits));
        EnsureVisitStat = sql.Prepare(dialect.InsertIfMissing(stats, [.. statKeyColumns, sVisits], ["@p0", "@p1", "@p2", "@p3", "0"], statKeyColumns), statKey);
        AddVisitStat = sql.Prepare($"UPDATE {stats} SET {sVisits} = {sVisits} + @p4 WHERE {statKeyColumns[0]} = @p0 AND {statKeyColumns[1]} = @p1 " +
            $"AND {statKeyColumns[2]} = @p2 AND {statKeyColumns[3]} = @p3", [.. statKey, sql.Property<ShortLinkVisitStat>(nameof(ShortLinkVisitStat.Visits))]);
    }

    private static (LedgerCommand Debit, LedgerCommand Credit, LedgerCommand Balance) BalanceStatements(
        LedgerSqlBuilder sql, LedgerDialect dialect, string balanceProperty)
    {
        string accounts = sql.Table<Account>(), balance = sql.Column<Account>(balanceProperty), user = sql.Column<Account>(nameof(Account.UserId));
        var amount = sql.Property<Account>(balanceProperty);
        var userProperty = sql.Property<Account>(nameof(Account.UserId));
        return (
            sql.Prepare(dialect.UpdateReturning(accounts, $"{balance} = {balance} - @p1", $"{user} = @p0 AND {balance} >= @p1", balance), userProperty, amount),
            sql.Prepare(dialect.UpdateReturning(accounts, $"{balance} = {balance} + @p1", $"{user} = @p0", balance), userProperty, amount),
            sql.Prepare($"SELECT {balance} FROM {accounts} WHERE {user} = @p0", userProperty));
    }

    private readonly record struct IdempotencyRecordProperty(Microsoft.EntityFrameworkCore.Metadata.IProperty P);

    /// <summary>The provider's dialect.</summary>
    public LedgerDialect Dialect { get; }

    /// <summary>SQLite with the log flush thread: this connection's write-ahead log, open for the session's life; else null.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle? Log { get; private init; }

    /// <summary>The writer's connection (open for the session's life).</summary>
    public DbConnection Connection => _connection;

    /// <summary>The debit pipeline, where the provider gains from one (PostgreSQL), else null.</summary>
    public LedgerPipeline? Pipeline { get; }

    /// <summary>The statement builder over this connection.</summary>
    public LedgerSqlBuilder Sql { get; }

    /// <summary><c>(user, price) → balance after</c>, or no row when the balance is below the price.</summary>
    public LedgerCommand Debit { get; }

    /// <summary><c>(user, amount) → balance after</c>.</summary>
    public LedgerCommand Credit { get; }

    /// <summary><c>(user) → balance</c>.</summary>
    public LedgerCommand Balance { get; }

    /// <summary>As <see cref="Debit"/>, on the test-mode balance.</summary>
    public LedgerCommand TestDebit { get; }

    /// <summary>As <see cref="Credit"/>, on the test-mode balance.</summary>
    public LedgerCommand TestCredit { get; }

    /// <summary>As <see cref="Balance"/>, of the test-mode balance.</summary>
    public LedgerCommand TestBalance { get; }

    /// <summary><see cref="Debit"/> or <see cref="TestDebit"/>.</summary>
    public LedgerCommand DebitOf(bool test) => test ? TestDebit : Debit;

    /// <summary><see cref="Credit"/> or <see cref="TestCredit"/>.</summary>
    public LedgerCommand CreditOf(bool test) => test ? TestCredit : Credit;

    /// <summary><see cref="Balance"/> or <see cref="TestBalance"/>.</summary>
    public LedgerCommand BalanceOf(bool test) => test ? TestBalance : Balance;

    /// <summary><c>(token, day)</c>: creates the day's spend row when missing.</summary>
    public LedgerCommand EnsureDailySpend { get; }

    /// <summary><c>(token, day, price, cap)</c>: adds the price unless that passes the cap; 1 row when it fit.</summary>
    public LedgerCommand SpendWithinCap { get; }

    /// <summary><c>(token, day, price)</c>: takes a refunded price off the day's spend.</summary>
    public LedgerCommand GiveBackSpend { get; }

    /// <summary><c>(id, Succeeded, now, Pending)</c>: the guarded settlement; 1 row when it moved.</summary>
    public LedgerCommand Settle { get; }

    /// <summary><c>(id, Refunded, now, reason, Pending)</c>: the guarded refund transition; 1 row when it moved.</summary>
    public LedgerCommand MarkRefunded { get; }

    /// <summary><c>(record, Completed, status, type, disposition, cache-control, body, InProgress)</c>.</summary>
    public LedgerCommand CompleteIdempotencyKey { get; }

    /// <summary><c>(token, at, ip, at)</c>: records a later last use.</summary>
    public LedgerCommand TouchToken { get; }

    /// <summary><c>(code, n, at)</c>.</summary>
    public LedgerCommand CountShortLinkVisits { get; }

    /// <summary><c>(code, n)</c>.</summary>
    public LedgerCommand CountMiniProgramLinkVisits { get; }

    /// <summary><c>(code, day, referrer host, device)</c>: creates the statistics row when missing.</summary>
    public LedgerCommand EnsureVisitStat { get; }

    /// <summary><c>(code, day, referrer host, device, n)</c>: adds visits to the statistics row.</summary>
    public LedgerCommand AddVisitStat { get; }

    /// <summary>The open transaction.</summary>
    /// <exception cref="InvalidOperationException">No batch is running.</exception>
    public DbTransaction Transaction => _transaction ?? throw new InvalidOperationException("no ledger transaction");

    /// <summary>
    /// Opens a connection of its own (with the provider's pragmas) and prepares every statement. Without
    /// <paramref name="automaticCheckpoints"/> the connection's commits never copy the SQLite log into the database file
    /// (a <see cref="SqliteCheckpointer"/> does).
    /// </summary>
    public static LedgerSession Open(IDbContextFactory<PortalDbContext> factory, LedgerDialect dialect, bool automaticCheckpoints = true,
        bool flushThread = false)
    {
        var db = factory.CreateDbContext();
        try
        {
            if (db.Database.GetConnectionString() is { } configured) db.Database.SetConnectionString(dialect.WriterConnectionString(configured));
            db.Database.OpenConnection();
            if (dialect.SessionSetup is { } setup) db.Database.ExecuteSqlRaw(setup);
            if (!automaticCheckpoints && dialect.NoAutomaticCheckpoints is { } off) db.Database.ExecuteSqlRaw(off);
            Microsoft.Win32.SafeHandles.SafeFileHandle? log = null;
            if (flushThread)
            {
                // Commits no longer wait for the disk: SqliteLogFlusher flushes the log through this handle.
                db.Database.ExecuteSqlRaw("PRAGMA synchronous=NORMAL;");
                log = SqliteLogFlusher.OpenLog(db.Database.GetDbConnection().DataSource);
            }
            return new LedgerSession(db, dialect) { Log = log };
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Begins the batch's transaction (SQLite: <c>BEGIN IMMEDIATE</c>, so the write lock is taken up front).</summary>
    public void Begin()
    {
        _transaction = _connection.BeginTransaction();
        _db.Database.UseTransaction(_transaction);
    }

    /// <summary>Commits the batch.</summary>
    public void Commit()
    {
        Transaction.Commit();
        End();
    }

    /// <summary>Rolls the batch back (best effort: the connection may already be gone).</summary>
    public void Rollback()
    {
        try
        {
            _transaction?.Rollback();
        }
        catch (DbException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        End();
    }

    /// <summary>Runs a statement; returns the affected rows.</summary>
    public int Execute(LedgerCommand command, params ReadOnlySpan<object?> values) =>
        command.Bind(Transaction, values).ExecuteNonQuery();

    /// <summary>Runs a statement that returns one <c>long</c>, or null when it returns no row.</summary>
    public long? Scalar(LedgerCommand command, params ReadOnlySpan<object?> values)
    {
        var value = command.Bind(Transaction, values).ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts <paramref name="entity"/> (every mapped column of its type).</summary>
    public void Insert(object entity)
    {
        var type = entity.GetType();
        if (!_inserts.TryGetValue(type, out var insert))
        {
            var method = typeof(LedgerSqlBuilder).GetMethod(nameof(LedgerSqlBuilder.Insert))!.MakeGenericMethod(type);
            _inserts[type] = insert = ((LedgerCommand, Func<object, object?>[]))method.Invoke(Sql, null)!;
        }
        var values = new object?[insert.Values.Length];
        for (var i = 0; i < values.Length; i++) values[i] = insert.Values[i](entity);
        insert.Command.Bind(Transaction, values).ExecuteNonQuery();
    }

    /// <summary>Reads a charge inside the batch's transaction (EF Core, for its value conversions), or null when there is none.</summary>
    public Charge? ReadCharge(Guid id) => _db.Charges.AsNoTracking().FirstOrDefault(c => c.Id == id);

    /// <summary>Starts an operation's savepoint.</summary>
    public void Savepoint() => _savepoint.Bind(Transaction).ExecuteNonQuery();

    /// <summary>Undoes the operation's statements.</summary>
    public void RollbackToSavepoint() => _rollbackToSavepoint.Bind(Transaction).ExecuteNonQuery();

    /// <summary>Ends the operation's savepoint, keeping its statements in the batch.</summary>
    public void ReleaseSavepoint()
    {
        if (_releaseSavepoint is { } release) release.Bind(Transaction).ExecuteNonQuery();
    }

    private void End()
    {
        if (_transaction is null) return;
        _db.Database.UseTransaction(null);
        _transaction.Dispose();
        _transaction = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        End();
        _db.Dispose();
        Log?.Dispose();
    }
}

