using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Features.Accounts;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Infrastructure.Persistence;

namespace Portal.Tests.TestInfrastructure;

/// <summary>
/// The real app over a fresh database per factory (migrations applied at start-up), with the Hangfire server
/// off so tests drive jobs themselves. Extra settings go through <see cref="Settings"/> and service replacements
/// through <see cref="TestServices"/>, both before the first use.
/// </summary>
/// <remarks>
/// The database is a fresh SQLite file by default. With <c>PORTAL_TEST_PROVIDER=PostgreSql</c> and
/// <c>PORTAL_TEST_PG</c> (a connection string to a server, e.g. from <c>db/pg-throwaway.sh start</c>) each factory
/// creates its own database <c>portal_test_{guid}</c> on that server instead, and drops it on dispose.
/// </remarks>
public class PortalFactory : WebApplicationFactory<Program>
{
    /// <summary>Environment variable naming the provider under test (<c>Sqlite</c> by default, or <c>PostgreSql</c>).</summary>
    public const string ProviderVariable = "PORTAL_TEST_PROVIDER";

    /// <summary>Environment variable with the PostgreSQL server connection string (any database; used to create ours).</summary>
    public const string PostgreSqlVariable = "PORTAL_TEST_PG";

    private readonly string _database;
    private readonly bool _deleteOnDispose;
    private readonly string? _pgServer;

    /// <summary>A factory over a new database, removed on dispose.</summary>
    public PortalFactory() : this(NewDatabaseName(), deleteOnDispose: true) { }

    /// <summary>
    /// A factory over the database <paramref name="database"/> (a SQLite file path, or a PostgreSQL database name), created
    /// when missing — e.g. a second "instance", or a restart over the same data.
    /// </summary>
    internal PortalFactory(string database, bool deleteOnDispose)
    {
        Provider = CurrentProvider();
        _database = database;
        _deleteOnDispose = deleteOnDispose;
        if (Provider == DatabaseProvider.PostgreSql)
        {
            _pgServer = Environment.GetEnvironmentVariable(PostgreSqlVariable);
            if (string.IsNullOrWhiteSpace(_pgServer))
                throw new InvalidOperationException($"{ProviderVariable}=PostgreSql needs {PostgreSqlVariable} (a server connection string)");
            using var connection = new NpgsqlConnection(_pgServer);
            connection.Open();
            using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT 1 FROM pg_database WHERE datname = @name";
            exists.Parameters.AddWithValue("name", _database);
            if (exists.ExecuteScalar() is null)
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"CREATE DATABASE \"{_database}\"";
                command.ExecuteNonQuery();
            }
        }
    }

    /// <summary>A fresh database name for the current provider: a temp SQLite path, or <c>portal_test_{guid}</c>.</summary>
    public static string NewDatabaseName() => CurrentProvider() == DatabaseProvider.PostgreSql
        ? $"portal_test_{Guid.NewGuid():N}"
        : Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");

    /// <summary>The provider this test run uses (from <see cref="ProviderVariable"/>; SQLite by default).</summary>
    public static DatabaseProvider CurrentProvider() =>
        Enum.TryParse<DatabaseProvider>(Environment.GetEnvironmentVariable(ProviderVariable), ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;

    /// <summary>The database provider of this factory.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>The app's connection string (<c>ConnectionStrings:Portal</c>).</summary>
    public string ConnectionString => Provider == DatabaseProvider.PostgreSql
        ? new NpgsqlConnectionStringBuilder(_pgServer) { Database = _database }.ConnectionString
        : $"Data Source={_database}";

    /// <summary>Settings applied with <c>UseSetting</c> (Program reads them before Build).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Service replacements applied with <c>ConfigureTestServices</c> (after the app's own registrations).</summary>
    public List<Action<IServiceCollection>> TestServices { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:Portal", ConnectionString);
        builder.UseSetting("Hangfire:ServerEnabled", "false");
        builder.UseSetting("Portal:BootstrapAdmin:Password", "Admin-Passw0rd!");
        // Admin-page tests sign admins in with a password only; AdminTwoFactorTests covers the default (on).
        builder.UseSetting("Portal:RequireAdminTwoFactor", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Concurrency tests fire dozens of requests from one token; the limiter has its own tests.
        builder.UseSetting("RateLimiting:PermitsPerSecond", "10000");
        builder.UseSetting("RateLimiting:Burst", "10000");
        builder.UseSetting("RateLimiting:UserPermitsPerSecond", "10000");
        builder.UseSetting("RateLimiting:UserBurst", "10000");
        builder.UseSetting("RateLimiting:AccountFormsPerMinute", "10000");
        builder.UseSetting("RateLimiting:PublicPermitsPerSecond", "10000");
        builder.UseSetting("RateLimiting:PublicBurst", "10000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            SilenceHangfireStaticLogs(services);
            foreach (var configure in TestServices) configure(services);
        });
    }

    /// <summary>
    /// Hangfire keeps its log provider in a process-wide static, set by every host to a wrapper of that host's
    /// <c>ILoggerFactory</c>. With several factories in one test process, a disposed factory's logger factory stays
    /// there and the next <c>IBackgroundJobClient</c> (injected into every ChargeFlow) throws ObjectDisposedException — a
    /// random 500 in whichever test runs then. Tests therefore give Hangfire a logger that belongs to no host.
    /// </summary>
    private static void SilenceHangfireStaticLogs(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(Hangfire.IGlobalConfiguration) && d.ImplementationFactory is not null);
        if (descriptor is null) return;
        services.Remove(descriptor);
        services.AddSingleton<Hangfire.IGlobalConfiguration>(sp =>
        {
            var configuration = (Hangfire.IGlobalConfiguration)descriptor.ImplementationFactory!(sp);
            Hangfire.Logging.LogProvider.SetCurrentLogProvider(NoHangfireLogs.Instance);
            return configuration;
        });
    }

    private sealed class NoHangfireLogs : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
    {
        public static readonly NoHangfireLogs Instance = new();

        public Hangfire.Logging.ILog GetLogger(string name) => this;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }

    /// <summary>A scope on the app's services.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    /// <summary>A fresh context on the test database.</summary>
    public async Task<PortalDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>Writes the counters gathered in memory (token last use, link visits) now, as the periodic flush would.</summary>
    public Task FlushCountersAsync() => Services.GetRequiredService<Portal.Features.Billing.Ledger.CoalescedCounters>().FlushAsync();

    /// <summary>Creates a user with <paramref name="balanceFen"/> credited through an admin adjustment.</summary>
    public async Task<TestUser> CreateUserAsync(long balanceFen = 0, string? email = null, string? role = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        await using var scope = Scope();
        var (user, errors) = await scope.ServiceProvider.GetRequiredService<UserProvisioning>().CreateAsync(email, TestUser.Password, role);
        Assert.True(user is not null, string.Join("; ", errors.Select(e => e.Description)));
        if (balanceFen > 0)
        {
            var outcome = await Services.GetRequiredService<BillingLedger>().AdjustAsync("test-admin", user!.Id, balanceFen, "test funding");
            Assert.True(outcome.Succeeded);
        }
        return new TestUser(user!.Id, email);
    }

    /// <summary>Issues an API token for <paramref name="user"/> and returns its secret.</summary>
    public async Task<string> IssueTokenAsync(TestUser user, string name = "test") =>
        (await Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, name, null)).Secret;

    /// <summary>Issues a test-mode token (<c>wxp_test_…</c>) for <paramref name="user"/> and returns its secret.</summary>
    public async Task<string> IssueTestTokenAsync(TestUser user, string name = "sandbox") =>
        (await Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, name, null, test: true)).Secret;

    /// <summary>An HttpClient that sends <c>Authorization: Bearer {token}</c> and does not follow redirects.</summary>
    public HttpClient ApiClient(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The user's live balance in fen and the sum of their live ledger entries (I2 says they are equal).</summary>
    public async Task<(long Balance, long LedgerSum, int Entries)> MoneyOfAsync(string userId)
    {
        await using var db = await DbAsync();
        var balance = await db.Accounts.Where(a => a.UserId == userId).Select(a => a.BalanceFen).SingleAsync();
        var amounts = await db.LedgerEntries.Where(e => e.UserId == userId && !e.IsTest).Select(e => e.AmountFen).ToListAsync();
        return (balance, amounts.Sum(), amounts.Count);
    }

    /// <summary>The user's test-mode balance in fen and the sum and count of their test ledger entries.</summary>
    public async Task<(long Balance, long LedgerSum, int Entries)> TestMoneyOfAsync(string userId)
    {
        await using var db = await DbAsync();
        var balance = await db.Accounts.Where(a => a.UserId == userId).Select(a => a.TestBalanceFen).SingleAsync();
        var amounts = await db.LedgerEntries.Where(e => e.UserId == userId && e.IsTest).Select(e => e.AmountFen).ToListAsync();
        return (balance, amounts.Sum(), amounts.Count);
    }

    /// <summary>Asserts I1 and I2 for every account in the database.</summary>
    public async Task AssertLedgerInvariantsAsync()
    {
        await using var db = await DbAsync();
        var accounts = await db.Accounts.AsNoTracking().ToListAsync();
        var entries = await db.LedgerEntries.AsNoTracking().Select(e => new { e.UserId, e.AmountFen, e.IsTest }).ToListAsync();
        var sums = entries.Where(e => !e.IsTest).GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Sum(e => e.AmountFen));
        var testSums = entries.Where(e => e.IsTest).GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Sum(e => e.AmountFen));
        foreach (var a in accounts)
        {
            Assert.True(a.BalanceFen >= 0, $"negative balance for {a.UserId}");
            Assert.True(a.TestBalanceFen >= 0, $"negative test balance for {a.UserId}");
            Assert.Equal(sums.GetValueOrDefault(a.UserId), a.BalanceFen);
            Assert.Equal(testSums.GetValueOrDefault(a.UserId), a.TestBalanceFen);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Provider == DatabaseProvider.PostgreSql)
        {
            NpgsqlConnection.ClearAllPools();
            if (!_deleteOnDispose) return;
            // WITH (FORCE) ends the app's pooled connections (and Hangfire's) that may still be open.
            using var connection = new NpgsqlConnection(_pgServer);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)";
            command.ExecuteNonQuery();
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_deleteOnDispose) return;
        foreach (var suffix in new[] { "", "-wal", "-shm", ".keyring.pfx" })
        {
            try { File.Delete(_database + suffix); } catch (IOException) { }
        }
    }
}

/// <summary>A user created for a test.</summary>
public sealed record TestUser(string Id, string Email)
{
    /// <summary>Every test user's password.</summary>
    public const string Password = "Test-Passw0rd!";
}

/// <summary>JSON helpers for API tests.</summary>
public static class ApiTestExtensions
{
    /// <summary>POSTs <paramref name="body"/> as JSON and returns status and parsed body.</summary>
    public static async Task<(int Status, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>Parses a response body as JSON (an empty body becomes <c>null</c>).</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement.Clone();
    }
}
