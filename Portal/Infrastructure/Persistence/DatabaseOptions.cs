namespace Portal.Infrastructure.Persistence;

/// <summary>Which database engine Portal runs on (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded SQLite file (the default; single instance).</summary>
    Sqlite,
    /// <summary>Microsoft SQL Server.</summary>
    SqlServer,
    /// <summary>PostgreSQL via Npgsql.</summary>
    PostgreSql,
}

/// <summary>Configuration section <c>Database</c>; the connection string is <c>ConnectionStrings:Portal</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Database";

    /// <summary>Engine. Default <see cref="DatabaseProvider.Sqlite"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations at start-up. Default true.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
