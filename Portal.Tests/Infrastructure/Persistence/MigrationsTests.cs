using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Infrastructure.Persistence;

namespace Portal.Tests.Infrastructure.Persistence;

/// <summary>
/// The three migration sets stay in lock-step with the model, and <c>db/*.sql</c> are what the migrations produce now.
/// No database server is needed: the model and script generators work offline.
/// </summary>
public sealed class MigrationsTests
{
    /// <summary>
    /// The app's own Identity registration: IdentityDbContext shapes its model (e.g. the passkeys table of schema
    /// version 3) from the <c>IdentityOptions</c> in the application service provider, so a context built without it
    /// would report a false difference.
    /// </summary>
    private static readonly IServiceProvider AppServices =
        new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddAccounts().BuildServiceProvider();

    private static PortalDbContext Context(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite("Data Source=design-time.db").UseApplicationServiceProvider(AppServices).Options),
        DatabaseProvider.SqlServer => new SqlServerPortalDbContext(new DbContextOptionsBuilder<SqlServerPortalDbContext>()
            .UseSqlServer("Server=.;Database=x;Trusted_Connection=True").UseApplicationServiceProvider(AppServices).Options),
        DatabaseProvider.PostgreSql => new PostgreSqlPortalDbContext(new DbContextOptionsBuilder<PostgreSqlPortalDbContext>()
            .UseNpgsql("Host=localhost;Database=x;Username=x").UseApplicationServiceProvider(AppServices).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public void Model_EveryProvider_HasNoPendingModelChanges(DatabaseProvider provider)
    {
        using var context = Context(provider);

        Assert.False(context.Database.HasPendingModelChanges(),
            $"{provider}: the model differs from the last migration; run db/migrations.sh add NAME");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public void Migrations_EveryProvider_SameNamesInLockStep(DatabaseProvider provider)
    {
        using var context = Context(provider);
        using var sqlite = Context(DatabaseProvider.Sqlite);

        static IEnumerable<string> Names(PortalDbContext c) => c.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]);

        Assert.NotEmpty(Names(context));
        Assert.Equal(Names(sqlite), Names(context));
    }

    [Theory]
    [InlineData(DatabaseProvider.SqlServer, "db/sqlserver.sql")]
    [InlineData(DatabaseProvider.PostgreSql, "db/postgresql.sql")]
    public void IdempotentScript_CheckedIn_MatchesMigrations(DatabaseProvider provider, string path)
    {
        using var context = Context(provider);
        var generated = context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var checkedIn = File.ReadAllText(Path.Combine(RepositoryRoot(), path));

        Assert.True(Normalize(generated) == Normalize(checkedIn),
            $"{path} is stale: run db/migrations.sh scripts (first difference at line {FirstDifference(Normalize(generated), Normalize(checkedIn))})");
    }

    /// <summary>Line endings, a BOM, trailing whitespace and trailing blank lines are not differences.</summary>
    private static string Normalize(string sql) =>
        string.Join('\n', sql.TrimStart('\uFEFF').ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n');

    private static int FirstDifference(string a, string b)
    {
        var (x, y) = (a.Split('\n'), b.Split('\n'));
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++) if (x[i] != y[i]) return i + 1;
        return Math.Min(x.Length, y.Length) + 1;
    }

    /// <summary>The directory holding Portal.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }
}
