using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// PostgreSQL: the debits of a batch sent to the server in one round trip instead of a few per debit, and run as one
/// set where they can. The set (<see cref="DebitSet"/>, one statement per kind of debit) takes each account's debits of
/// the batch together when its balance covers all of them: one executor start and one plan for the batch, where a
/// statement per debit cost each debit its own (about a fifth more billed calls a second with one hot account,
/// measured in alternating runs). The debits of an account whose balance does not cover them all run next, one
/// statement each in order, so each is taken while the balance lasts, exactly as alone. Each statement is a
/// data-modifying CTE that updates the balance and inserts the work's rows, the ledger entries and the charges only for
/// the debits it took, so it is atomic on its own without a savepoint (a savepoint per debit cost a quarter of the
/// throughput, measured). When a statement breaks a constraint (a duplicate request id, a short code taken meanwhile)
/// the server aborts the transaction: <see cref="Run"/> throws <see cref="PipelinedDebitRefusedException"/> naming the
/// debit where it can tell (one statement per debit) or none (the set), and the writer runs the batch again — without
/// that debit, its refusal recorded, or with every operation in a savepoint of its own, where the one at fault is
/// refused alone. Every other operation gets the outcome it would have had, answered after the commit, exactly as with
/// a savepoint each.
/// </summary>
internal sealed class LedgerPipeline(DbConnection connection, LedgerDialect dialect, LedgerSqlBuilder sql)
{
    private readonly ConcurrentDictionary<string, DebitStatement> _statements = new();
    private readonly ConcurrentDictionary<string, DebitSet> _sets = new();

    // Every account of the set, locked in ordinal order (what LedgerWriter sorts a batch by), before any is debited: a
    // set's UPDATE takes its rows in whatever order its plan reads them, and two writers must never wait on each other.
    private readonly string _lockAccounts =
        $"SELECT 1 FROM {sql.Table<Account>()} WHERE {sql.Column<Account>(nameof(Account.UserId))} = ANY(CAST($1 AS text[])) " +
        $"ORDER BY {sql.Column<Account>(nameof(Account.UserId))} COLLATE \"C\" FOR NO KEY UPDATE";

    /// <summary>True when <paramref name="op"/> can go into a pipeline (debits without a daily cap).</summary>
    public static bool Accepts(LedgerOp op) => op is DebitOp { HasDailyCap: false };

    /// <summary>
    /// Runs <paramref name="ops"/> (sorted by account) inside <paramref name="transaction"/>, recording each outcome. Two
    /// or more go first as one set: each account's debits of the batch together (<see cref="DebitSet"/>); the debits of
    /// an account whose balance does not cover all of them then run one statement each, in order, so each is taken
    /// while the balance lasts, exactly as alone.
    /// </summary>
    /// <exception cref="PipelinedDebitRefusedException">
    /// A debit broke a constraint; the transaction is aborted. Its <see cref="PipelinedDebitRefusedException.Op"/> is
    /// null when the set's statement broke it (one of its debits, which one the server does not say).
    /// </exception>
    /// <exception cref="DbException">Any other failure: the batch fails.</exception>
    public void Run(DbTransaction transaction, IReadOnlyList<DebitOp> ops, DateTimeOffset now)
    {
        var rest = ops.Count >= 2 ? RunAsSet(transaction, ops, now) : ops;
        if (rest.Count > 0) RunEach(transaction, rest, now);
    }

    // One round trip: the accounts locked in the order every writer takes them, then one statement per kind of debit
    // (live or test balance, the work's row types). Returns the debits left for RunEach.
    private List<DebitOp> RunAsSet(DbTransaction transaction, IReadOnlyList<DebitOp> ops, DateTimeOffset now)
    {
        var groups = ops.GroupBy(Key).Select(g => (Set: _sets.GetOrAdd(g.Key, _ => new DebitSet(sql, g.First())), Ops: g.ToList())).ToList();
        using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        var lockRows = Add(batch);
        lockRows.CommandText = _lockAccounts;
        Parameter(lockRows, ops.Select(o => o.Request.UserId).Distinct().ToArray(), null);
        foreach (var (set, group) in groups) set.Bind(Add(batch), group, now);
        var debited = new HashSet<DebitOp>();
        try
        {
            using var reader = batch.ExecuteReader();
            while (reader.Read())
            {
            }
            foreach (var (_, group) in groups)
            {
                reader.NextResult();
                while (reader.Read())
                {
                    // (Position in the set from 1, balance after it); the balance before is read only for a refusal.
                    var op = group[(int)reader.GetInt64(0) - 1];
                    op.Pipelined(reader.GetInt64(1), 0);
                    debited.Add(op);
                }
            }
        }
        catch (DbException ex) when (dialect.IsConstraintViolation(ex))
        {
            throw new PipelinedDebitRefusedException(null, ex);
        }
        return ops.Where(o => !debited.Contains(o)).ToList();
    }

    private void RunEach(DbTransaction transaction, IReadOnlyList<DebitOp> ops, DateTimeOffset now)
    {
        using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var op in ops) Statement(op).Bind(Add(batch), op, now);
        var next = 0;
        try
        {
            using var reader = batch.ExecuteReader();
            do
            {
                reader.Read();
                ops[next].Pipelined(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
                next++;
            } while (reader.NextResult());
        }
        catch (DbException ex) when (dialect.IsConstraintViolation(ex))
        {
            // One statement, one result per debit, in order: the failing debit is the first whose result never came.
            throw new PipelinedDebitRefusedException(ops[FailedCommandIndex(batch, ex) ?? next], ex);
        }
    }

    private static int? FailedCommandIndex(DbBatch batch, DbException error)
    {
        if (error.BatchCommand is not { } failed) return null;
        for (var i = 0; i < batch.BatchCommands.Count; i++)
            if (ReferenceEquals(batch.BatchCommands[i], failed)) return i;
        return null;
    }

    private static DbBatchCommand Add(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        batch.BatchCommands.Add(command);
        return command;
    }

    private DebitStatement Statement(DebitOp op) =>
        _statements.GetOrAdd(Key(op), _ => new DebitStatement(sql, RowTypes(op), BalanceProperty(op)));

    // Debits with the same key run the same statement: the balance they take and the types of the work's rows.
    private static string Key(DebitOp op) =>
        (op.Request.Test ? "test:" : "live:") + string.Join(",", (op.Request.Rows ?? []).Select(r => r.GetType().FullName));

    private static Type[] RowTypes(DebitOp op) => (op.Request.Rows ?? []).Select(r => r.GetType()).ToArray();

    private static string BalanceProperty(DebitOp op) => op.Request.Test ? nameof(Account.TestBalanceFen) : nameof(Account.BalanceFen);

    private static void Parameter(DbBatchCommand command, object? value, IProperty? property)
    {
        if (value is not null && property?.GetRelationalTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
        var parameter = command.CreateParameter();
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// The statement of a set of debits of one kind: per account, the sum of its debits taken at once when the balance
    /// covers it, each debit's rows, ledger entry (with the balance after it, in the order of the batch) and charge
    /// inserted from arrays — one statement for the set, where a statement each cost the server an executor start and
    /// a plan of four data-modifying CTEs per debit. Answers <c>(position in the set from 1, balance after)</c> for
    /// each debit taken; an account whose balance does not cover its debits is left untouched and answers nothing.
    /// </summary>
    private sealed class DebitSet
    {
        private readonly string _text;
        private readonly IProperty[][] _rowColumns;
        private readonly IProperty[] _entryColumns;
        private readonly IProperty[] _chargeColumns;

        public DebitSet(LedgerSqlBuilder sql, DebitOp sample)
        {
            var rowTypes = RowTypes(sample);
            var next = 2;
            string Next() => "$" + ++next;
            string accounts = sql.Table<Account>(), balance = sql.Column<Account>(BalanceProperty(sample)), user = sql.Column<Account>(nameof(Account.UserId));
            var parts = new List<string>
            {
                "r AS (SELECT * FROM unnest(CAST($1 AS text[]), CAST($2 AS bigint[])) WITH ORDINALITY AS r(u, p, o))",
                "t AS (SELECT u, CAST(sum(p) AS bigint) AS total FROM r GROUP BY u)",
                $"d AS (UPDATE {accounts} a SET {balance} = a.{balance} - t.total FROM t WHERE a.{user} = t.u AND a.{balance} >= t.total " +
                $"RETURNING t.u, a.{balance} + t.total AS before)",
                "ok AS (SELECT r.o, d.before - CAST(sum(r.p) OVER (PARTITION BY r.u ORDER BY r.o) AS bigint) AS after FROM r JOIN d ON d.u = r.u)",
            };
            _rowColumns = new IProperty[rowTypes.Length][];
            for (var r = 0; r < rowTypes.Length; r++)
            {
                _rowColumns[r] = sql.Properties(rowTypes[r]);
                parts.Add($"w{r} AS ({InsertFromSet(sql, rowTypes[r], _rowColumns[r], null, Next)})");
            }
            _entryColumns = sql.Properties(typeof(LedgerEntry));
            parts.Add($"e AS ({InsertFromSet(sql, typeof(LedgerEntry), _entryColumns, nameof(LedgerEntry.BalanceAfterFen), Next)})");
            _chargeColumns = sql.Properties(typeof(Charge));
            parts.Add($"c AS ({InsertFromSet(sql, typeof(Charge), _chargeColumns, null, Next)})");
            _text = $"WITH {string.Join(", ", parts)} SELECT o, after FROM ok";
        }

        // INSERT … SELECT from one array per column, the rows of the debits taken only (joined on their position); the
        // balance column, when named, takes the balance after the debit.
        private static string InsertFromSet(LedgerSqlBuilder sql, Type type, IProperty[] columns, string? balanceColumn, Func<string> next)
        {
            var arrays = columns.Where(p => p.Name != balanceColumn).ToArray();
            var names = arrays.Select((_, i) => "c" + i).ToArray();
            var unnest = string.Join(", ", arrays.Select(p => $"CAST({next()} AS {p.GetColumnType()}[])"));
            var values = columns.Select(p => p.Name == balanceColumn ? "ok.after" : "x." + names[Array.IndexOf(arrays, p)]);
            return $"INSERT INTO {sql.Table(type)} ({string.Join(", ", columns.Select(p => sql.Column(type, p)))}) " +
                   $"SELECT {string.Join(", ", values)} FROM unnest({unnest}) WITH ORDINALITY AS x({string.Join(", ", names)}, o) JOIN ok ON ok.o = x.o";
        }

        public void Bind(DbBatchCommand command, IReadOnlyList<DebitOp> ops, DateTimeOffset now)
        {
            // In the order the constructor numbered them.
            command.CommandText = _text;
            Parameter(command, ops.Select(o => o.Request.UserId).ToArray(), null);
            Parameter(command, ops.Select(o => o.PriceFen).ToArray(), null);
            for (var r = 0; r < _rowColumns.Length; r++)
            {
                var row = r;
                Arrays(command, _rowColumns[r], ops.Select(o => o.Request.Rows![row]).ToList(), null);
            }
            Arrays(command, _entryColumns, ops.Select(o => (object)o.LedgerEntry(0, now)).ToList(), nameof(LedgerEntry.BalanceAfterFen));
            Arrays(command, _chargeColumns, ops.Select(o => (object)o.Charge(now)).ToList(), null);
        }

        // One array per column, of the column's store type (after the model's value conversion), nulls allowed.
        private static void Arrays(DbBatchCommand command, IProperty[] columns, IReadOnlyList<object> rows, string? balanceColumn)
        {
            foreach (var column in columns)
            {
                if (column.Name == balanceColumn) continue;
                var converter = column.GetRelationalTypeMapping().Converter;
                var type = converter?.ProviderClrType ?? column.ClrType;
                type = Nullable.GetUnderlyingType(type) ?? type;
                var values = Array.CreateInstance(type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type, rows.Count);
                var getter = column.GetGetter();
                for (var i = 0; i < rows.Count; i++)
                {
                    var value = getter.GetClrValueUsingContainingEntity(rows[i]);
                    values.SetValue(value is not null && converter is not null ? converter.ConvertToProvider(value) : value, i);
                }
                Parameter(command, values, null);
            }
        }
    }

    /// <summary>
    /// The CTE of one debit for a given set of work-row types, and how to bind an operation to it. Its parameters are
    /// positional (<c>$1</c>, <c>$2</c>…, bound in that order without names): Npgsql then sends the text as it is,
    /// where named parameters make it parse every statement of every batch to rewrite them.
    /// </summary>
    private sealed class DebitStatement
    {
        private readonly string _text;
        private readonly IProperty[][] _rowColumns;
        private readonly IProperty[] _entryColumns;
        private readonly IProperty[] _chargeColumns;

        public DebitStatement(LedgerSqlBuilder sql, Type[] rowTypes, string balanceProperty)
        {
            var next = 0;
            string Next() => "$" + ++next;
            string accounts = sql.Table<Account>(), balance = sql.Column<Account>(balanceProperty), user = sql.Column<Account>(nameof(Account.UserId));
            string userId = Next(), price = Next();
            var parts = new List<string>
            {
                $"d AS (UPDATE {accounts} SET {balance} = {balance} - {price} WHERE {user} = {userId} AND {balance} >= {price} RETURNING {balance})",
            };
            _rowColumns = new IProperty[rowTypes.Length][];
            for (var r = 0; r < rowTypes.Length; r++)
            {
                _rowColumns[r] = sql.Properties(rowTypes[r]);
                parts.Add($"w{r} AS ({InsertFromDebit(sql, rowTypes[r], _rowColumns[r], null, balance, Next)})");
            }
            _entryColumns = sql.Properties(typeof(LedgerEntry));
            parts.Add($"e AS ({InsertFromDebit(sql, typeof(LedgerEntry), _entryColumns, nameof(LedgerEntry.BalanceAfterFen), balance, Next)})");
            _chargeColumns = sql.Properties(typeof(Charge));
            parts.Add($"c AS ({InsertFromDebit(sql, typeof(Charge), _chargeColumns, null, balance, Next)})");
            // The outer SELECT reads the snapshot the CTEs started from: the balance before this debit.
            _text = $"WITH {string.Join(", ", parts)} SELECT (SELECT {balance} FROM d), (SELECT {balance} FROM {accounts} WHERE {user} = {userId})";
        }

        // INSERT … SELECT $n… FROM d: a row only when the balance update matched (each value cast to its column's type;
        // the balance column, when named, takes the debited balance and no parameter).
        private static string InsertFromDebit(LedgerSqlBuilder sql, Type type, IProperty[] columns, string? balanceColumn, string debitedBalance,
            Func<string> next) =>
            $"INSERT INTO {sql.Table(type)} ({string.Join(", ", columns.Select(p => sql.Column(type, p)))}) SELECT " +
            string.Join(", ", columns.Select(p => p.Name == balanceColumn ? "d." + debitedBalance : $"CAST({next()} AS {p.GetColumnType()})")) + " FROM d";

        public void Bind(DbBatchCommand command, DebitOp op, DateTimeOffset now)
        {
            // In the order the constructor numbered them.
            command.CommandText = _text;
            Parameter(command, op.Request.UserId, null);
            Parameter(command, op.PriceFen, null);
            var rows = op.Request.Rows ?? [];
            for (var r = 0; r < rows.Count; r++) BindRow(command, _rowColumns[r], rows[r], null);
            BindRow(command, _entryColumns, op.LedgerEntry(0, now), nameof(LedgerEntry.BalanceAfterFen));
            BindRow(command, _chargeColumns, op.Charge(now), null);
        }

        private static void BindRow(DbBatchCommand command, IProperty[] columns, object row, string? balanceColumn)
        {
            foreach (var column in columns)
                if (column.Name != balanceColumn) Parameter(command, column.GetGetter().GetClrValueUsingContainingEntity(row), column);
        }
    }
}

/// <summary>A pipelined debit broke a constraint: the transaction is aborted and must run again without it.</summary>
internal sealed class PipelinedDebitRefusedException(DebitOp? op, DbException error) : Exception("a pipelined debit broke a constraint", error)
{
    /// <summary>The debit refused, or null when a set of debits broke it together (run them again one by one).</summary>
    public DebitOp? Op { get; } = op;

    /// <summary>The driver's error.</summary>
    public DbException Error { get; } = error;
}
