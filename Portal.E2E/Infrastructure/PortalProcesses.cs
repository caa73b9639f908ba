using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Portal as real separate processes (<c>dotnet Portal.dll</c>) over one database in a temporary folder: SQLite by
/// default, or a fresh database on the server of <c>PORTAL_TEST_PG</c> when <c>PORTAL_TEST_PROVIDER=PostgreSql</c>.
/// Each started instance logs to <c>instance-N.log</c> in the folder. Disposing kills what is still running and removes
/// the database.
/// </summary>
public sealed class PortalProcesses : IDisposable
{
    private readonly string? _pgServer = Environment.GetEnvironmentVariable("PORTAL_TEST_PROVIDER") is "PostgreSql" ? Environment.GetEnvironmentVariable("PORTAL_TEST_PG") : null;
    private readonly string _pgDatabase = $"portal_proc_{Guid.NewGuid():N}";
    private readonly List<Process> _started = [];
    private bool _databaseCreated;

    /// <summary>The temporary folder (database, key-ring certificate, logs).</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("portal-proc-").FullName;

    /// <summary>Settings given to every process as environment variables (<c>Section__Key</c>).</summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Portal__BootstrapAdmin__Password"] = "Admin-Proc-Passw0rd!",
        ["Hangfire__ServerEnabled"] = "false",
        ["RateLimiting__Enabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary><c>Sqlite</c> or <c>PostgreSql</c>.</summary>
    public string Provider => _pgServer is null ? "Sqlite" : "PostgreSql";

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => _pgServer is null
        ? $"Data Source={Path.Combine(Dir, "portal.db")}"
        : new NpgsqlConnectionStringBuilder(_pgServer) { Database = _pgDatabase }.ConnectionString;

    /// <summary>Runs <c>Portal.dll admin …</c> to completion and returns its standard output (fails the test on a non-zero exit).</summary>
    public async Task<string> CliAsync(params string[] args)
    {
        await EnsureDatabaseAsync();
        using var process = Process.Start(StartInfo(["admin", .. args]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"admin {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    /// <summary>Creates a user with a balance and returns a fresh API token of theirs.</summary>
    public async Task<string> UserWithTokenAsync(string email, string amountYuan)
    {
        await CliAsync("users", "create", "--email", email, "--password", "Proc-Passw0rd!");
        await CliAsync("balance", "adjust", "--email", email, "--amount", amountYuan, "--reason", "process test");
        return (await CliAsync("tokens", "issue", "--email", email, "--name", "proc")).Trim().Split('\n')[^1].Trim();
    }

    /// <summary>Starts an instance on <paramref name="baseUrl"/> with extra settings and waits until <c>/healthz</c> answers.</summary>
    public async Task<Process> StartAsync(string baseUrl, IReadOnlyDictionary<string, string>? settings = null)
    {
        await EnsureDatabaseAsync();
        var info = StartInfo(["--urls", baseUrl]);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info)!;
        _started.Add(process);
        var log = Path.Combine(Dir, $"instance-{_started.Count}.log");
        process.OutputDataReceived += (_, e) => { lock (_started) File.AppendAllText(log, e.Data + "\n"); };
        process.ErrorDataReceived += (_, e) => { lock (_started) File.AppendAllText(log, e.Data + "\n"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 160; i++)
        {
            if (process.HasExited) Assert.Fail($"Portal exited with {process.ExitCode} at start-up:\n{Logs()}");
            try
            {
                if ((await probe.GetAsync(baseUrl + "/healthz")).StatusCode == HttpStatusCode.OK) return process;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        Assert.Fail("Portal did not start within 40 s:\n" + Logs());
        return process;
    }

    /// <summary>Sends SIGTERM (what systemd and container runtimes send to stop a service).</summary>
    public static void Terminate(Process process) => Assert.Equal(0, kill(process.Id, 15));

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>Every instance's log so far.</summary>
    public string Logs() => string.Join("\n", Directory.GetFiles(Dir, "instance-*.log").Order()
        .Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).Take(80))}"));

    /// <summary>One number from the database.</summary>
    public long Scalar(string sql)
    {
        using DbConnection connection = _pgServer is null ? new SqliteConnection(ConnectionString + ";Pooling=False") : new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task EnsureDatabaseAsync()
    {
        if (_pgServer is null || _databaseCreated) return;
        await using var admin = new NpgsqlConnection(_pgServer);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_pgDatabase}\"", admin);
        await create.ExecuteNonQueryAsync();
        _databaseCreated = true;
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(ProcessFiles.PortalDll)! };
        info.ArgumentList.Add(ProcessFiles.PortalDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in Settings) info.Environment[key] = value;
        info.Environment["Database__Provider"] = Provider;
        info.Environment["ConnectionStrings__Portal"] = ConnectionString;
        // Production needs the key ring's certificate on PostgreSQL; every process shares one.
        info.Environment["DataProtection__CertificatePath"] = ProcessFiles.KeyRingCertificate(Dir);
        return info;
    }

    /// <summary>Kills what still runs and removes the database and the folder.</summary>
    public void Dispose()
    {
        foreach (var process in _started)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
        }
        SqliteConnection.ClearAllPools();
        if (_pgServer is not null && _databaseCreated)
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(_pgServer);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
