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

    /// <summary><c>UPDATE table SET set WHERE where</c> that returns <paramref name="returned"/> of the updated row.</summary>
    public abstract string UpdateReturning(string table, string set, string where, string returned);

    /// <summary>Inserts a row unless one with the same key exists (a concurrent instance may insert it first).</summary>
    public abstract string InsertIfMissing(string table, string[] columns, string[] parameters, string[] keyColumns);

    /// <summary>True when <paramref name="error"/> is a constraint (unique, check, foreign key) refusing a statement.</summary>
    public abstract bool IsConstraintViolation(DbException error);

    private sealed class SqliteDialect : LedgerDialect
    {
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
    public string Table<T>() => _sql.DelimitIdentifier(Entity<T>().GetTableName()!, Entity<T>().GetSchema());

    /// <summary>The quoted column of <typeparamref name="T"/>.<paramref name="property"/>.</summary>
    public string Column<T>(string property) => _sql.DelimitIdentifier(Property<T>(property).GetColumnName(StoreObjectIdentifier.Table(Entity<T>().GetTableName()!, Entity<T>().GetSchema()))!);

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

    private IEntityType Entity<T>() =>
        db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
}
