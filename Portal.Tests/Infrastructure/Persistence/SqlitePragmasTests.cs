using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Persistence;

/// <summary>SQLite runs in WAL mode with <c>synchronous=FULL</c> and a busy timeout (a committed debit survives a power loss only with FULL).</summary>
public sealed class SqlitePragmasTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task AppConnection_Sqlite_WalSynchronousFullBusyTimeoutForeignKeys()
    {
        if (factory.Provider != DatabaseProvider.Sqlite) return; // the pragmas are SQLite's; other providers have no such setting

        await using var db = await factory.DbAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        Assert.Equal("wal", (await ScalarAsync(connection, "PRAGMA journal_mode"))?.ToString());
        Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous")); // 2 = FULL
        Assert.Equal(30000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
    }

    [Fact]
    public async Task DatabaseFile_AfterStartup_IsInWalModeForNewConnections()
    {
        if (factory.Provider != DatabaseProvider.Sqlite) return;
        _ = factory.Services; // start the app: migrations create the file

        // A plain connection without the app's interceptor: journal_mode=WAL is persistent in the file.
        await using var raw = new Microsoft.Data.Sqlite.SqliteConnection(factory.ConnectionString);
        await raw.OpenAsync();

        Assert.Equal("wal", (await ScalarAsync(raw, "PRAGMA journal_mode"))?.ToString());
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public void SqliteConnectionString_RelativeOrMissing_AbsoluteUnderContentRootWithTimeout()
    {
        var root = Path.Combine(Path.GetTempPath(), "portal-cs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var fromDefault = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(PersistenceExtensions.SqliteConnectionString(null, root));
            var fromRelative = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(PersistenceExtensions.SqliteConnectionString("Data Source=x/y.db", root));

            Assert.Equal(Path.Combine(root, "data", "portal.db"), fromDefault.DataSource);
            Assert.Equal(Path.Combine(root, "x", "y.db"), fromRelative.DataSource);
            Assert.Equal(30, fromDefault.DefaultTimeout);
            Assert.True(Directory.Exists(Path.Combine(root, "data")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
