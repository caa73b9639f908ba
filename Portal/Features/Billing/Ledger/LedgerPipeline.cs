using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// PostgreSQL: the debits of a batch sent to the server in one round trip instead of a few per debit. Each debit is
/// one statement — a data-modifying CTE that updates the balance and inserts the work's rows, the ledger entry and the
/// charge only when the balance sufficed — so a debit is atomic on its own without a savepoint (a savepoint per debit
/// cost a quarter of the throughput, measured). When one debit's statement breaks a constraint (a duplicate request
/// id, a short code taken meanwhile) the server aborts the transaction: <see cref="Run"/> throws
/// <see cref="PipelinedDebitRefusedException"/> naming it, and the writer records that debit's refusal and runs the
/// batch again without it — the outcome every other operation gets is the one it would have had, answered after the
/// commit, exactly as with a savepoint each.
/// </summary>
internal sealed class LedgerPipeline(DbConnection connection, LedgerDialect dialect, LedgerSqlBuilder sql)
{
    private readonly ConcurrentDictionary<string, DebitStatement> _statements = new();

    /// <summary>True when <paramref name="op"/> can go into a pipeline (debits without a daily cap).</summary>
    public static bool Accepts(LedgerOp op) => op is DebitOp { HasDailyCap: false };

    /// <summary>Runs <paramref name="ops"/> in order inside <paramref name="transaction"/>, recording each outcome.</summary>
    /// <exception cref="PipelinedDebitRefusedException">One debit broke a constraint; the transaction is aborted.</exception>
    /// <exception cref="DbException">Any other failure: the batch fails.</exception>
    public void Run(DbTransaction transaction, IReadOnlyList<DebitOp> ops, DateTimeOffset now)
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

    private DebitStatement Statement(DebitOp op)
    {
        var rows = op.Request.Rows ?? [];
        var key = (op.Request.Test ? "test:" : "live:") + string.Join(",", rows.Select(r => r.GetType().FullName));
        return _statements.GetOrAdd(key, _ => new DebitStatement(sql, rows.Select(r => r.GetType()).ToArray(),
            op.Request.Test ? nameof(Account.TestBalanceFen) : nameof(Account.BalanceFen)));
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

        private static void Parameter(DbBatchCommand command, object? value, IProperty? property)
        {
            if (value is not null && property?.GetRelationalTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
            var parameter = command.CreateParameter();
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
    }
}

/// <summary>A pipelined debit broke a constraint: the transaction is aborted and must run again without it.</summary>
internal sealed class PipelinedDebitRefusedException(DebitOp op, DbException error) : Exception("a pipelined debit broke a constraint", error)
{
    /// <summary>The debit refused.</summary>
    public DebitOp Op { get; } = op;

    /// <summary>The driver's error.</summary>
    public DbException Error { get; } = error;
}
