using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Infrastructure.Persistence;

/// <summary>Registers the provider-specific <see cref="PortalDbContext"/> chosen by <c>Database:Provider</c>.</summary>
public static class PersistenceExtensions
{
    /// <summary>The SQLite file used when no connection string is configured, relative to the content root.</summary>
    public const string DefaultSqlitePath = "data/portal.db";

    /// <summary>
    /// Adds <see cref="PortalDbContext"/> (scoped) and <see cref="IDbContextFactory{PortalDbContext}"/> (singleton)
    /// for the configured provider.
    /// </summary>
    /// <exception cref="InvalidOperationException">SqlServer/PostgreSql without <c>ConnectionStrings:Portal</c>.</exception>
    public static DatabaseProvider AddPersistence(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The provider decides which services exist at all, so it is also read here, before there is a container to
        // ask, from the same section the options above are bound to.
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString("Portal");

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = SqliteConnectionString(connectionString, environment.ContentRootPath);
                Add<SqlitePortalDbContext>(services, o => o.UseSqlite(sqlite).AddInterceptors(SqlitePragmas.Instance));
                break;
            case DatabaseProvider.SqlServer:
                Add<SqlServerPortalDbContext>(services, o => o.UseSqlServer(Required(connectionString)));
                break;
            case DatabaseProvider.PostgreSql:
                Add<PostgreSqlPortalDbContext>(services, o => o.UseNpgsql(Required(connectionString)));
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{options.Provider}'");
        }
        return options.Provider;
    }

    /// <summary>
    /// The SQLite connection string: the configured one, or <see cref="DefaultSqlitePath"/> under the content root; a
    /// relative file is made absolute against the content root, its folder is created, and a 30 s busy timeout is set.
    /// </summary>
    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={DefaultSqlitePath}" : configured);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            if (!Path.IsPathRooted(builder.DataSource)) builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        if (!builder.ContainsKey("Default Timeout")) builder.DefaultTimeout = 30;
        return builder.ToString();
    }

    private static string Required(string? connectionString) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException("ConnectionStrings:Portal is required for SqlServer and PostgreSql")
            : connectionString;

    private static void Add<TContext>(IServiceCollection services, Action<DbContextOptionsBuilder> configure) where TContext : PortalDbContext
    {
        services.AddDbContextFactory<TContext>(configure);
        services.AddSingleton<IDbContextFactory<PortalDbContext>, Factory<TContext>>();
        services.AddScoped<PortalDbContext>(sp => sp.GetRequiredService<TContext>());
    }

    private sealed class Factory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext> where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}

/// <summary>
/// Sets SQLite pragmas on every opened connection: WAL (readers never block the writer), <c>synchronous=FULL</c>
/// (with NORMAL a committed debit may roll back after a power loss), a 30 s busy timeout and foreign keys. The ledger
/// writer's own connection may then switch to NORMAL: it answers nobody before its log flush (<c>SqliteLogFlusher</c>).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Sql = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
