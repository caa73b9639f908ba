using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Persistence;

/// <summary>
/// The suite really runs on the provider it was asked for (<c>PORTAL_TEST_PROVIDER</c>), so a PostgreSQL leg cannot
/// silently fall back to SQLite, and each factory's PostgreSQL database is dropped on dispose.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class TestProviderTests
{
    [Fact]
    public async Task Factory_ProviderFromEnvironment_AppUsesThatProvider()
    {
        var requested = Environment.GetEnvironmentVariable(PortalFactory.ProviderVariable);
        using var factory = new PortalFactory();
        await using var db = await factory.DbAsync();

        var expected = string.IsNullOrEmpty(requested) ? DatabaseProvider.Sqlite : Enum.Parse<DatabaseProvider>(requested, ignoreCase: true);
        Assert.Equal(expected, factory.Provider);
        var providerName = db.Database.ProviderName;
        Assert.Equal(expected switch
        {
            DatabaseProvider.PostgreSql => "Npgsql.EntityFrameworkCore.PostgreSQL",
            DatabaseProvider.SqlServer => "Microsoft.EntityFrameworkCore.SqlServer",
            _ => "Microsoft.EntityFrameworkCore.Sqlite",
        }, providerName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Factory_OwnDatabase_RemovedOnDispose()
    {
        var provider = PortalFactory.CurrentProvider();
        string connectionString;
        using (var factory = new PortalFactory())
        {
            var user = await factory.CreateUserAsync(10);
            Assert.Equal((10L, 10L, 1), await factory.MoneyOfAsync(user.Id));
            connectionString = factory.ConnectionString;
            Assert.True(await ExistsAsync(provider, connectionString));
        }

        Assert.False(await ExistsAsync(provider, connectionString));
    }

    private static async Task<bool> ExistsAsync(DatabaseProvider provider, string connectionString)
    {
        if (provider != DatabaseProvider.PostgreSql)
            return File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        Assert.StartsWith("portal_test_", database);
        return await DatabaseExistsAsync(database);
    }

    private static async Task<bool> DatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(PortalFactory.PostgreSqlVariable));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @n", connection);
        command.Parameters.AddWithValue("n", name);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }
}
