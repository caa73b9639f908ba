using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.E2E.Infrastructure;

namespace Portal.E2E;

/// <summary>
/// A real Portal process under billed API load and short-link visits is sent SIGTERM. It must turn not-ready first
/// (<c>/readyz</c> 503) while still serving, answer every request it accepted, write the visits it only held in memory
/// (the periodic flush is set far beyond the test), stop its job server and exit 0 within <c>Shutdown:Timeout</c>.
/// Afterwards the database holds exactly as many Succeeded charges as 200s the clients saw, no Pending charge, every
/// balance equal to its ledger, and exactly as many visits as redirects the clients saw. With
/// <c>PORTAL_TEST_PROVIDER=PostgreSql</c> it runs on PostgreSQL (test.sh's PostgreSQL leg).
/// </summary>
public sealed class DrainTests(ITestOutputHelper output) : IDisposable
{
    private readonly PortalProcesses _portal = new();

    [Fact]
    public async Task Sigterm_UnderLoad_DrainsAnsweredRequestsAndVisitsExactly()
    {
        var token = await _portal.UserWithTokenAsync("drain@e2e.local", "500.00");
        var baseUrl = $"http://127.0.0.1:{PortalProcesses.FreePort()}";
        var server = await _portal.StartAsync(baseUrl, new Dictionary<string, string>
        {
            ["Shutdown__DrainDelay"] = "00:00:01.500",
            ["Shutdown__Timeout"] = "00:00:15",
            // Visits are only written by the final flush of the stop: the test proves that flush.
            ["Counters__FlushInterval"] = "00:05:00",
            ["Hangfire__ServerEnabled"] = "true",
        });

        using var api = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(20) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/drain" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var code = new Uri(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("short_url").GetString()!).AbsolutePath.Split('/')[^1];
        using var visitor = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(20) };

        var calls = new ConcurrentDictionary<string, int>(); // Idempotency-Key → status (0 = no answer)
        var redirects = 0;
        var visitFailures = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString("N");
                calls[key] = await CallAsync(api, key);
            }
        })).Concat(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await VisitAsync(visitor, code) == 302) Interlocked.Increment(ref redirects);
                else Interlocked.Increment(ref visitFailures);
            }
        }))).ToList();
        var flowing = Stopwatch.StartNew();
        while ((calls.Count(c => c.Value == 200) < 30 || Volatile.Read(ref redirects) < 30) && flowing.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);

        var stopping = Stopwatch.StartNew();
        PortalProcesses.Terminate(server);
        // Not ready first, while the process still serves.
        var readyz = new List<int>();
        using (var probe = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(2) })
        {
            while (!server.HasExited && !readyz.Contains(503) && stopping.Elapsed < TimeSpan.FromSeconds(5))
            {
                try { readyz.Add((int)(await probe.GetAsync("/readyz")).StatusCode); }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { readyz.Add(0); }
                await Task.Delay(50);
            }
        }
        var readyzAt = stopping.Elapsed;
        var exited = server.WaitForExit(TimeSpan.FromSeconds(25));
        var exitedAt = stopping.Elapsed;
        stop.Cancel();
        await Task.WhenAll(workers);

        var seen200 = calls.Count(c => c.Value == 200);
        var unanswered = calls.Count(c => c.Value == 0);
        var succeeded = _portal.Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Succeeded'");
        var pending = _portal.Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Pending'");
        var mismatched = _portal.Scalar("SELECT COUNT(*) FROM \"Accounts\" a WHERE a.\"BalanceFen\" <> (SELECT COALESCE(SUM(e.\"AmountFen\"), 0) FROM \"LedgerEntries\" e WHERE e.\"UserId\" = a.\"UserId\")");
        var visits = _portal.Scalar($"SELECT \"VisitCount\" FROM \"ShortLinks\" WHERE \"Code\" = '{code}'");
        var report = $"provider={_portal.Provider} calls={calls.Count} seen200={seen200 + 1} unanswered={unanswered} other={calls.Count(c => c.Value is not (0 or 200))} " +
                     $"succeeded={succeeded} pending={pending} ledgerMismatches={mismatched} redirects={redirects} visitFailures={visitFailures} visits={visits} " +
                     $"readyz=[{string.Join(',', readyz)}] notReadyAfterMs={readyzAt.TotalMilliseconds:0} exitedAfterMs={exitedAt.TotalMilliseconds:0} " +
                     $"exitCode={(exited ? server.ExitCode : -1)}";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ArtifactsDir, $"drain-{_portal.Provider.ToLowerInvariant()}.txt"), report + Environment.NewLine);

        Assert.True(exited, "the process did not exit within the shutdown timeout: " + report + "\n" + _portal.Logs());
        Assert.True(0 == server.ExitCode, "exit code: " + report + "\n" + _portal.Logs());
        Assert.Contains(503, readyz);
        Assert.Equal(seen200 + 1, succeeded); // + the short link the test created first
        Assert.Equal(0, pending);
        Assert.Equal(0, mismatched);
        Assert.Equal(redirects, visits);
        Assert.DoesNotContain(calls.Values, s => s is not (0 or 200));
    }

    private static async Task<int> CallAsync(HttpClient http, string key)
    {
        var (status, error) = await ProcessFiles.PostShortLinkAsync(http, $"https://example.com/drain/{key}", key);
        if (error is not null) await Task.Delay(20);
        return status;
    }

    private static async Task<int> VisitAsync(HttpClient http, string code)
    {
        try
        {
            using var response = await http.GetAsync("/s/" + code);
            await response.Content.ReadAsByteArrayAsync();
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            await Task.Delay(20);
            return 0;
        }
    }

    public void Dispose() => _portal.Dispose();
}
