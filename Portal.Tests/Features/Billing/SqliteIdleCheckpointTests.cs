using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// SQLite: with <see cref="LedgerWriterOptions.IdleCheckpointBatches"/> the writer copies the write-ahead log into the
/// database file whenever nobody is waiting after that many batches, long before SQLite's own checkpoint (every 1,000
/// frames) would run inside a commit. Seen in the database file alone: a copy of it without its log holds the charges
/// the checkpoints copied.
/// </summary>
[Trait("Category", TestCategories.Money)]
[Trait(TestCategories.ProviderOnly, TestCategories.Sqlite)]
public sealed class SqliteIdleCheckpointTests
{
    private const long Price = BillableProducts.DefaultPriceFen;
    private const int Debits = 100;

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task DebitsOneAtATime_CopiedIntoTheDatabaseFileOnlyWithIdleCheckpoints_MoneyExact(int idleCheckpointBatches, bool copied)
    {
        using var factory = new PortalFactory();
        factory.Settings["Billing:Writer:IdleCheckpointBatches"] = idleCheckpointBatches.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.SkipWhen(factory.Provider != DatabaseProvider.Sqlite, "the write-ahead log and its checkpoints are SQLite's");
        var user = await factory.CreateUserAsync(Price * Debits);
        var ledger = factory.Services.GetRequiredService<BillingLedger>();

        // One at a time, so the queue is empty after every batch. Each commit writes about six frames of 4 KiB, so a
        // hundred stay below the 1,000 frames at which SQLite's own checkpoint would copy them.
        for (var i = 0; i < Debits; i++)
            Assert.True((await ledger.DebitAsync(
                new DebitRequest(user.Id, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);
        await ledger.DurableAsync(); // through the writer's queue: taken after the checkpoint that followed the last debit

        // The database file without its log: what the checkpoints copied. (A reader of another part of the host can
        // keep the last frames from being copied for a moment; most of the hundred are there all the same.)
        var database = new SqliteConnectionStringBuilder(factory.ConnectionString).DataSource;
        var alone = Path.Combine(Path.GetTempPath(), $"portal-file-alone-{Guid.NewGuid():N}.db");
        File.Copy(database, alone);
        try
        {
            await using var connection = new SqliteConnection($"Data Source={alone};Pooling=False");
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            // Without a checkpoint even the schema is still only in the log.
            count.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'Charges'";
            var charges = 0L;
            if ((long)(await count.ExecuteScalarAsync())! == 1)
            {
                count.CommandText = "SELECT COUNT(*) FROM \"Charges\" WHERE \"UserId\" = $user";
                count.Parameters.AddWithValue("$user", user.Id);
                charges = (long)(await count.ExecuteScalarAsync())!;
            }
            if (copied) Assert.True(charges >= Debits / 2, $"only {charges} of {Debits} charges were copied into the database file");
            else Assert.Equal(0, charges);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { alone, alone + "-wal", alone + "-shm" }) File.Delete(file);
        }
        Assert.Equal((0, 0, Debits + 1), await factory.MoneyOfAsync(user.Id));
        await factory.AssertLedgerInvariantsAsync();
    }
}
