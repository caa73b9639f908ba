using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// SQLite: the write-ahead log is copied into the database file by a checkpointer of its own, and the writer lets the
/// log start again from its beginning once it reaches <see cref="LedgerWriterOptions.CheckpointRestartFrames"/>; without
/// that the log would grow with every commit (the writer's own commits run no checkpoints).
/// </summary>
[Trait("Category", TestCategories.Money)]
[Trait(TestCategories.ProviderOnly, TestCategories.Sqlite)]
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const long Price = BillableProducts.DefaultPriceFen;
    private const int Debits = 400;
    private readonly PortalFactory _factory;

    public SqliteCheckpointerTests()
    {
        _factory = new PortalFactory();
        _factory.Settings["Billing:Writer:CheckpointInterval"] = "00:00:00.002";
        _factory.Settings["Billing:Writer:CheckpointRestartFrames"] = "16";
    }

    [Fact]
    public async Task ManyCommits_LogStartsAgainAndStaysSmall_MoneyExact()
    {
        Assert.SkipWhen(_factory.Provider != DatabaseProvider.Sqlite, "the write-ahead log and its checkpoints are SQLite's");
        var user = await _factory.CreateUserAsync(Price * Debits);
        var ledger = _factory.Services.GetRequiredService<BillingLedger>();

        // Four at a time: a few hundred small commits, each writing the account's page and the tails of the charge and
        // ledger tables and their indexes (about six frames of 4 KiB), so a log that never starts again grows past 4 MiB.
        for (var i = 0; i < Debits; i += 4)
        {
            var wave = Enumerable.Range(0, 4).Select(_ => ledger.DebitAsync(
                new DebitRequest(user.Id, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N"), Settled: true)));
            Assert.All(await Task.WhenAll(wave), o => Assert.True(o.Succeeded));
        }

        // A log that starts again is one whose every frame was copied into the database file first.
        var database = new SqliteConnectionStringBuilder(_factory.ConnectionString).DataSource;
        var log = new FileInfo(database + "-wal");
        Assert.True(log.Exists, "the database runs in WAL mode");
        Assert.True(log.Length < 1024 * 1024, $"the log grew to {log.Length:N0} bytes");
        Assert.Equal((0, 0, Debits + 1), await _factory.MoneyOfAsync(user.Id));
        await _factory.AssertLedgerInvariantsAsync();
    }

    public void Dispose() => _factory.Dispose();
}
