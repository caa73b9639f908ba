using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Portal.E2E.Infrastructure;

namespace Portal.E2E;

/// <summary>
/// The app as a separate process under concurrent billed load is killed with SIGKILL, restarted, the
/// client retries every unanswered request with its Idempotency-Key, reconciliation runs, and the database must hold:
/// no negative balance, every balance equal to its ledger, no Pending charge, and exactly as many Succeeded charges as
/// 200 responses the client saw. Counts go to the test output and to TestResults/e2e-artifacts/kill-load-{provider}.txt.
/// With <c>PORTAL_TEST_PROVIDER=PostgreSql</c> and <c>PORTAL_TEST_PG</c> (test.sh's PostgreSQL leg) it runs on a fresh
/// PostgreSQL database instead of SQLite.
/// </summary>
public sealed class KillLoadTests(ITestOutputHelper output) : IDisposable
{
    private const string Email = "load@e2e.local";
    private readonly string _dir = Directory.CreateTempSubdirectory("portal-kill-").FullName;
    private readonly string? _pgServer = Environment.GetEnvironmentVariable("PORTAL_TEST_PROVIDER") is "PostgreSql" ? Environment.GetEnvironmentVariable("PORTAL_TEST_PG") : null;
    private readonly string _pgDatabase = $"portal_kill_{Guid.NewGuid():N}";
    private Process? _server;

    private string Provider => _pgServer is null ? "Sqlite" : "PostgreSql";

    private string ConnectionString => _pgServer is null
        ? $"Data Source={DbPath}"
        : new NpgsqlConnectionStringBuilder(_pgServer) { Database = _pgDatabase }.ConnectionString;

    [Fact]
    public async Task SigkillMidLoad_RestartRetryReconcile_MoneyAndCountsExact()
    {
        if (_pgServer is not null)
        {
            await using var admin = new NpgsqlConnection(_pgServer);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_pgDatabase}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var seed = TestSeed.Next();
        var random = new Random(seed);
        output.WriteLine(TestSeed.Describe(seed));
        await CliAsync("users", "create", "--email", Email, "--password", "Load-Passw0rd!");
        await CliAsync("balance", "adjust", "--email", Email, "--amount", "30.00", "--reason", "load test");
        var token = (await CliAsync("tokens", "issue", "--email", Email, "--name", "load")).Trim().Split('\n')[^1].Trim();

        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        await StartServerAsync(baseUrl);

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(); // key → status (0 = no answer)
        using var stop = new CancellationTokenSource();
        var killAfter = TimeSpan.FromMilliseconds(random.Next(400));

        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString("N");
                outcomes[key] = await SendAsync(http, key);
            }
        })).ToList();
        // Kill mid-load: once the load is demonstrably flowing (≥ 30 answers), after a random extra delay.
        var flowing = Stopwatch.StartNew();
        while (outcomes.Count(o => o.Value == 200) < 30 && flowing.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await Task.Delay(killAfter);
        _server!.Kill(entireProcessTree: true); // SIGKILL
        stop.Cancel();
        await _server.WaitForExitAsync();
        await Task.WhenAll(workers);
        var seenBeforeKill = outcomes.Count(o => o.Value == 200);
        var unanswered = outcomes.Where(o => o.Value == 0).Select(o => o.Key).ToList();

        await StartServerAsync(baseUrl);
        await Task.Delay(1500); // past Idempotency:AbandonAfter and Billing:PendingChargeTimeout of the dead process
        foreach (var key in unanswered)
        {
            int status;
            var attempts = 0;
            while ((status = await SendAsync(http, key)) is 0 or 409 && attempts++ < 20) await Task.Delay(250);
            outcomes[key] = status;
        }
        var reconciled = await CliAsync("billing", "reconcile", "--older-than", "1");
        _server.Kill(entireProcessTree: true);
        await _server.WaitForExitAsync();

        var seen200 = outcomes.Count(o => o.Value == 200);
        var (negative, mismatched, pending, succeeded, refunded) = ReadDatabase();
        var report = $"provider={Provider} seed={seed} killAfterMs={killAfter.TotalMilliseconds:0} requests={outcomes.Count} seen200BeforeKill={seenBeforeKill} " +
                     $"unansweredAtKill={unanswered.Count} seen200Total={seen200} seen402={outcomes.Count(o => o.Value == 402)} " +
                     $"succeededCharges={succeeded} refundedCharges={refunded} pending={pending} negativeBalances={negative} " +
                     $"ledgerMismatches={mismatched} reconcile=\"{reconciled.Trim()}\"";
        output.WriteLine(report);
        output.WriteLine("first transport error: " + LastError);
        var serverLog = Path.Combine(_dir, "server.log");
        if (File.Exists(serverLog)) output.WriteLine("server log:\n" + string.Join("\n", File.ReadLines(serverLog).Take(60)));
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ArtifactsDir, $"kill-load-{Provider.ToLowerInvariant()}.txt"), report + Environment.NewLine);

        Assert.True(seenBeforeKill > 0, "the load never got going: " + report);
        Assert.Equal(0, negative);
        Assert.Equal(0, mismatched);
        Assert.Equal(0, pending);
        Assert.Equal(seen200, succeeded);
        Assert.DoesNotContain(outcomes.Values, s => s is not (200 or 402));
    }

    private static string? LastError;

    private static async Task<int> SendAsync(HttpClient http, string key)
    {
        var (status, error) = await ProcessFiles.PostShortLinkAsync(http, $"https://example.com/load/{key}", key);
        if (error is not null) LastError ??= error.ToString();
        return status;
    }

    private (int Negative, int Mismatched, int Pending, int Succeeded, int Refunded) ReadDatabase()
    {
        using DbConnection connection = _pgServer is null ? new SqliteConnection($"Data Source={DbPath};Pooling=False") : new NpgsqlConnection(ConnectionString);
        connection.Open();
        int Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt32(command.ExecuteScalar());
        }
        return (
            Scalar("SELECT COUNT(*) FROM \"Accounts\" WHERE \"BalanceFen\" < 0"),
            Scalar("SELECT COUNT(*) FROM \"Accounts\" a WHERE a.\"BalanceFen\" <> (SELECT COALESCE(SUM(e.\"AmountFen\"), 0) FROM \"LedgerEntries\" e WHERE e.\"UserId\" = a.\"UserId\")"),
            Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Pending'"),
            Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Succeeded'"),
            Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Refunded'"));
    }

    private string DbPath => Path.Combine(_dir, "portal.db");

    private ProcessStartInfo PortalProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(ProcessFiles.PortalDll)! };
        info.ArgumentList.Add(ProcessFiles.PortalDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Database__Provider"] = Provider;
        info.Environment["ConnectionStrings__Portal"] = ConnectionString;
        info.Environment["Portal__BootstrapAdmin__Password"] = "Admin-Load-Passw0rd!";
        info.Environment["Hangfire__ServerEnabled"] = "false";
        info.Environment["RateLimiting__Enabled"] = "false";
        info.Environment["Idempotency__AbandonAfter"] = "00:00:01";
        info.Environment["Billing__PendingChargeTimeout"] = "00:00:01";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Production on PostgreSQL needs the key ring's certificate; every process of this test shares one.
        info.Environment["DataProtection__CertificatePath"] = ProcessFiles.KeyRingCertificate(_dir);
        return info;
    }

    private async Task<string> CliAsync(params string[] args)
    {
        using var process = Process.Start(PortalProcess(["admin", .. args]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"admin {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    private async Task StartServerAsync(string baseUrl)
    {
        var info = PortalProcess("--urls", baseUrl);
        _server = Process.Start(info)!;
        var log = Path.Combine(_dir, "server.log");
        _server.OutputDataReceived += (_, e) => { lock (_dir) File.AppendAllText(log, e.Data + "\n"); };
        _server.ErrorDataReceived += (_, e) => { lock (_dir) File.AppendAllText(log, e.Data + "\n"); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await probe.GetAsync(baseUrl + "/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        Assert.Fail("Portal did not start within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { if (_server is { HasExited: false }) _server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        SqliteConnection.ClearAllPools();
        if (_pgServer is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(_pgServer);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
