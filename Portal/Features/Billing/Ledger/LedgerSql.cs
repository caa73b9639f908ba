using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// What differs between the database providers for the ledger writer's hand-written statements: how an UPDATE returns
/// the new value, how to insert a row only when it is missing, and which errors are a constraint refusing one row.
/// Table and column names, quoting and value conversions come from the EF Core model, so the statements follow the
/// migrations.
/// </summary>
internal abstract class LedgerDialect
{
    /// <summary>The dialect of <paramref name="provider"/>.</summary>
    public static LedgerDialect For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDialect(),
        DatabaseProvider.PostgreSql => new PostgreSqlDialect(),
        DatabaseProvider.SqlServer => new SqlServerDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>Starts the savepoint each operation runs in.</summary>
    public virtual string Savepoint => "SAVEPOINT ledger_op";

    /// <summary>Undoes an operation's statements.</summary>
    public virtual string RollbackToSavepoint => "ROLLBACK TO SAVEPOINT ledger_op";

    /// <summary>Ends an operation's savepoint, or null where savepoints need no release.</summary>
    public virtual string? ReleaseSavepoint => "RELEASE SAVEPOINT ledger_op";

    /// <summary>The writer's own connection string, derived from the application's.</summary>
    public virtual string WriterConnectionString(string configured) => configured;

    /// <summary>Statements run once when the writer opens its connection, or null.</summary>
    public virtual string? SessionSetup => null;

    /// <summary>Turns off the checkpoints a commit of this connection would run, or null where there are none (SQLite only).</summary>
    public virtual string? NoAutomaticCheckpoints => null;

    /// <summary><c>UPDATE table SET set WHERE where</c> that returns <paramref name="returned"/> of the updated row.</summary>
    public abstract string UpdateReturning(string table, string set, string where, string returned);

    /// <summary>Inserts a row unless one with the same key exists (a concurrent instance may insert it first).</summary>
    public abstract string InsertIfMissing(string table, string[] columns, string[] parameters, string[] keyColumns);

    /// <summary>
    /// True when a debit without a daily cap runs without a savepoint of its own: a constraint it breaks makes the
    /// writer run the batch again without it (SQLite, where a savepoint is two more statements and a copy of every
    /// page the debit changes).
    /// </summary>
    public virtual bool DebitsWithoutSavepoint => false;

    /// <summary>True when the debits of a batch go to the server in one round trip (<see cref="LedgerPipeline"/>).</summary>
    public virtual bool PipelinesDebits => false;

    /// <summary>True when <paramref name="error"/> is a constraint (unique, check, foreign key) refusing a statement.</summary>
    public abstract bool IsConstraintViolation(DbException error);

    private sealed class SqliteDialect : LedgerDialect
    {
        // Each operation's savepoint copies every page it changes to a sub-journal so that it can be rolled back; keep
        // that in memory instead of a temporary file (two write syscalls per page, measured: 4× the bytes written).
        public override string SessionSetup => "PRAGMA temp_store=MEMORY;";

        public override string NoAutomaticCheckpoints => "PRAGMA wal_autocheckpoint=0;";

        public override bool DebitsWithoutSavepoint => true;

        public override string UpdateReturning(string table, string set, string where, string returned) =>
            $"UPDATE {table} SET {set} WHERE {where} RETURNING {returned}";

        public override string InsertIfMissing(string table, string[] columns, string[] parameters, string[] keyColumns) =>
            $"INSERT OR IGNORE INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", parameters)})";

        // SQLITE_CONSTRAINT and its extended codes.
        public override bool IsConstraintViolation(DbException error) =>
            error is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 };
    }

    private sealed class PostgreSqlDialect : LedgerDialect
    {
        // Every statement is a network round trip to the server; a batch's debits are worth sending together.
        public override bool PipelinesDebits => true;

        // The writer repeats the same few statements all day: let the driver prepare them on the server, so the server
        // does not parse and plan each debit's statement again.
        public override string WriterConnectionString(string configured) =>
            new Npgsql.NpgsqlConnectionStringBuilder(configured) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;

        public override string UpdateReturning(string table, string set, string where, string returned) =>
            $"UPDATE {table} SET {set} WHERE {where} RETURNING {returned}";

        public override string InsertIfMissing(string table, string[] columns, string[] parameters, string[] keyColumns) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", parameters)}) ON CONFLICT DO NOTHING";

        // SQLSTATE class 23: integrity constraint violation.
        public override bool IsConstraintViolation(DbException error) =>
            error is Npgsql.PostgresException { SqlState: var state } && state.StartsWith("23", StringComparison.Ordinal);
    }

    private sealed class SqlServerDialect : LedgerDialect
    {
        public override string Savepoint => "SAVE TRANSACTION ledger_op";

        public override string RollbackToSavepoint => "ROLLBACK TRANSACTION ledger_op";

        public override string? ReleaseSavepoint => null;

        public override string UpdateReturning(string table, string set, string where, string returned) =>
            $"UPDATE {table} SET {set} OUTPUT INSERTED.{returned} WHERE {where}";

        public override string InsertIfMissing(string table, string[] columns, string[] parameters, string[] keyColumns)
        {
            var match = string.Join(" AND ", keyColumns.Select(k => $"{k} = {parameters[Array.IndexOf(columns, k)]}"));
            return $"IF NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {match}) " +
                   $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", parameters)})";
        }

        // 2601/2627 duplicate key, 547 check or foreign key.
        public override bool IsConstraintViolation(DbException error) =>
            error is Microsoft.Data.SqlClient.SqlException { Number: 2601 or 2627 or 547 };
    }
}

/// <summary>A parameter bound to one model property: values go through the property's value converter.</summary>
internal sealed class ModelParameter(DbParameter parameter, RelationalTypeMapping mapping)
{
    /// <summary>Sets the value (CLR type of the property), converted for the store.</summary>
    public void Set(object? value)
    {
        if (value is not null && mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
        parameter.Value = value ?? DBNull.Value;
    }
}

/// <summary>A prepared statement with its parameters, reused for every operation of the writer's connection.</summary>
internal sealed class LedgerCommand(DbCommand command, ModelParameter[] parameters)
{
    /// <summary>Binds the values in parameter order.</summary>
    public DbCommand Bind(DbTransaction transaction, params ReadOnlySpan<object?> values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++) parameters[i].Set(values[i]);
        return command;
    }
}

/// <summary>
/// Builds statements from the EF Core model: <see cref="Table{T}"/> and <see cref="Column{T}"/> give quoted names,
/// <see cref="Prepare"/> a prepared command whose parameters convert values like EF Core does.
/// </summary>
internal sealed class LedgerSqlBuilder(PortalDbContext db, DbConnection connection)
{
    private readonly ISqlGenerationHelper _sql = db.GetService<ISqlGenerationHelper>();

    /// <summary>The quoted table of entity <typeparamref name="T"/>.</summary>
    public string Table<T>() => Table(typeof(T));

    /// <summary>The quoted table of entity type <paramref name="type"/>.</summary>
    public string Table(Type type) => _sql.DelimitIdentifier(Entity(type).GetTableName()!, Entity(type).GetSchema());

    /// <summary>The quoted column of <typeparamref name="T"/>.<paramref name="property"/>.</summary>
    public string Column<T>(string property) => Column(typeof(T), Property<T>(property));

    /// <summary>The quoted column of <paramref name="property"/> of entity type <paramref name="type"/>.</summary>
    public string Column(Type type, IProperty property) =>
        _sql.DelimitIdentifier(property.GetColumnName(StoreObjectIdentifier.Table(Entity(type).GetTableName()!, Entity(type).GetSchema()))!);

    /// <summary>Every mapped property of entity type <paramref name="type"/>.</summary>
    public IProperty[] Properties(Type type) => Entity(type).GetProperties().ToArray();

    /// <summary>The model property <typeparamref name="T"/>.<paramref name="name"/>.</summary>
    public IProperty Property<T>(string name) =>
        Entity<T>().FindProperty(name) ?? throw new InvalidOperationException($"{typeof(T).Name}.{name} is not in the model");

    /// <summary>
    /// A prepared command for <paramref name="sql"/> whose parameters <c>@p0</c>, <c>@p1</c>… take the values of
    /// <paramref name="properties"/> in order.
    /// </summary>
    public LedgerCommand Prepare(string sql, params IProperty[] properties)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameters = new ModelParameter[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            var mapping = properties[i].GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(command, "@p" + i, null, nullable: true);
            command.Parameters.Add(parameter);
            parameters[i] = new ModelParameter(parameter, mapping);
        }
        return new LedgerCommand(command, parameters);
    }

    /// <summary>A parameter placeholder.</summary>
    public static string P(int index) => "@p" + index;

    /// <summary>An <c>INSERT</c> of every mapped column of <typeparamref name="T"/>, with a getter per parameter.</summary>
    public (LedgerCommand Command, Func<object, object?>[] Values) Insert<T>()
    {
        var entity = Entity<T>();
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().ToArray();
        var columns = properties.Select(p => _sql.DelimitIdentifier(p.GetColumnName(table)!)).ToArray();
        var sql = $"INSERT INTO {Table<T>()} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", properties.Select((_, i) => P(i)))})";
        var getters = properties.Select(p => p.GetGetter()).Select(g => (Func<object, object?>)g.GetClrValueUsingContainingEntity).ToArray();
        return (Prepare(sql, properties), getters);
    }

    private IEntityType Entity<T>() => Entity(typeof(T));

    private IEntityType Entity(Type type) =>
        db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model");
}
