using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.E2E.Infrastructure;

namespace Portal.E2E;

/// <summary>
/// Two Portal processes on one database and one throwaway redis-server, behind Debian's nginx running the shipped
/// <c>deploy/nginx/portal.conf</c>: the configuration passes <c>nginx -t</c>; API calls land on both instances; Portal
/// believes nginx's <c>X-Forwarded-Proto/-Host</c> (its links are https:// on nginx's address); the Blazor hub's
/// WebSocket upgrade passes; a token revoked with the admin CLI is refused by both instances within a second; and one
/// instance stopped with SIGTERM under load loses no acknowledged call while the other takes over.
/// </summary>
public sealed class NginxTests(ITestOutputHelper output) : IDisposable
{
    private readonly PortalProcesses _portal = new();
    private readonly Portal.Tests.TestInfrastructure.RedisServer _redis = new();
    private NginxProxy? _nginx;

    [Fact]
    public void ShippedConfig_NginxT_Passes()
    {
        _nginx = new NginxProxy([PortalProcesses.FreePort(), PortalProcesses.FreePort()]);
        var (exitCode, text) = _nginx.Test();
        Assert.True(exitCode == 0, text);
        Assert.Contains("test is successful", text);
    }

    [Fact]
    public async Task TwoInstancesBehindNginx_CallsLandOnBoth_ForwardedHeadersTrusted_WebSocketUpgrades_SigtermLosesNothing()
    {
        _portal.Settings["ConnectionStrings__Redis"] = _redis.ConnectionString;
        var token = await _portal.UserWithTokenAsync("nginx@e2e.local", "500.00");
        var ports = new[] { PortalProcesses.FreePort(), PortalProcesses.FreePort() };
        var drain = new Dictionary<string, string> { ["Shutdown__DrainDelay"] = "00:00:01", ["Shutdown__Timeout"] = "00:00:15" };
        var instances = new List<Process>();
        foreach (var port in ports) instances.Add(await _portal.StartAsync($"http://127.0.0.1:{port}", drain));
        _nginx = new NginxProxy(ports);
        var (exitCode, text) = _nginx.Test();
        Assert.True(exitCode == 0, text);
        await _nginx.StartAsync();
        using var api = _nginx.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // API calls land on both instances; the links Portal builds carry nginx's scheme and address.
        var first = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var response = await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/nginx/{i}" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            first.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("short_url").GetString()!);
        }
        Assert.All(first, url => Assert.StartsWith($"https://127.0.0.1:{_nginx.HttpsPort}/s/", url));
        var upstreams = Upstreams();
        Assert.Contains($"127.0.0.1:{ports[0]}", upstreams);
        Assert.Contains($"127.0.0.1:{ports[1]}", upstreams);
        var visit = await api.GetAsync(new Uri(first[0]).AbsolutePath);
        Assert.Equal(HttpStatusCode.Found, visit.StatusCode);
        Assert.Equal("https://example.com/nginx/0", visit.Headers.Location?.ToString());

        // Plain HTTP is sent to https.
        using (var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var redirect = await plain.GetAsync($"http://127.0.0.1:{_nginx.HttpPort}/Account/Login");
            Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        }

        // A page sets the route cookie; the Blazor hub negotiates and upgrades to a WebSocket through nginx.
        var page = await api.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var routeCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal_route=", StringComparison.Ordinal)).Split(';')[0];
        using (var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1"))
        {
            negotiate.Headers.Add("Cookie", routeCookie);
            var negotiated = await api.SendAsync(negotiate);
            Assert.Equal(HttpStatusCode.OK, negotiated.StatusCode);
            var connectionToken = JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Cookie", routeCookie);
            socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{_nginx.HttpsPort}/_blazor?id={connectionToken}"), CancellationToken.None);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }

        // A token revoked with the admin CLI is refused by both instances (which had it cached) within a second.
        var doomed = (await _portal.CliAsync("tokens", "issue", "--email", "nginx@e2e.local", "--name", "doomed")).Trim().Split('\n')[^1].Trim();
        using (var doomedApi = _nginx.Client())
        {
            doomedApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", doomed);
            for (var i = 0; i < 6; i++) Assert.Equal(200, await CallAsync(doomedApi, Guid.NewGuid().ToString("N")));
            var cachedOn = Upstreams().TakeLast(6).Distinct().Count();
            await _portal.CliAsync("tokens", "revoke", "--token", doomed);
            var revoked = Stopwatch.StartNew();
            var statuses = new List<(int Status, TimeSpan At)>();
            while (revoked.Elapsed < TimeSpan.FromSeconds(1.5)) statuses.Add((await CallAsync(doomedApi, Guid.NewGuid().ToString("N")), revoked.Elapsed));
            var lastServed = statuses.LastOrDefault(s => s.Status == 200).At;
            output.WriteLine($"revocation: cached on {cachedOn} instances; calls after revoke: {statuses.Count}, last 200 at {lastServed.TotalMilliseconds:0} ms");
            Assert.Equal(2, cachedOn);
            Assert.True(lastServed < TimeSpan.FromSeconds(1), $"served until {lastServed.TotalMilliseconds:0} ms after the revocation");
            Assert.All(statuses.Where(s => s.At > TimeSpan.FromSeconds(1)), s => Assert.Equal(401, s.Status));
        }

        // SIGTERM one instance under load through nginx.
        var calls = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var key = Guid.NewGuid().ToString("N");
                calls[key] = await CallAsync(api, key);
            }
        })).ToList();
        while (calls.Count(c => c.Value == 200) < 30) await Task.Delay(20);
        PortalProcesses.Terminate(instances[0]);
        Assert.True(instances[0].WaitForExit(TimeSpan.FromSeconds(25)), "the stopped instance did not exit");
        var afterExit = calls.Count;
        var clock = Stopwatch.StartNew();
        while (calls.Count < afterExit + 30 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
        stop.Cancel();
        await Task.WhenAll(workers);

        // Every failure seen by a client is retried with its key; the retry must succeed (on the instance left).
        var failed = calls.Where(c => c.Value != 200).Select(c => c.Key).ToList();
        var failedStatuses = string.Join(',', failed.Select(k => calls[k]).Order()); // 0 = no answer
        foreach (var key in failed) calls[key] = await CallAsync(api, key);
        var seen200 = calls.Count(c => c.Value == 200) + first.Count + 6; // + the revoked token's calls before it was revoked
        var succeeded = _portal.Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Succeeded'");
        var pending = _portal.Scalar("SELECT COUNT(*) FROM \"Charges\" WHERE \"Status\" = 'Pending'");
        var report = $"provider={_portal.Provider} calls={calls.Count} failedThenRetried={failed.Count} failedStatuses=[{failedStatuses}] seen200={seen200} succeeded={succeeded} " +
                     $"pending={pending} exitCode={instances[0].ExitCode} upstreams={string.Join(',', Upstreams().Distinct())}";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ArtifactsDir, $"nginx-{_portal.Provider.ToLowerInvariant()}.txt"), report + Environment.NewLine);

        Assert.Equal(0, instances[0].ExitCode);
        Assert.All(calls.Values, s => Assert.Equal(200, s));
        Assert.Equal(seen200, succeeded);
        Assert.Equal(0, pending);
    }

    private List<string> Upstreams() => File.Exists(_nginx!.AccessLog)
        ? File.ReadLines(_nginx.AccessLog).Select(l => Regex.Match(l, @"upstream=(\S+)").Groups[1].Value).Where(u => u.Length > 0).ToList()
        : [];

    private static async Task<int> CallAsync(HttpClient http, string key) =>
        (await ProcessFiles.PostShortLinkAsync(http, $"https://example.com/nginx-load/{key}", key)).Status;

    public void Dispose()
    {
        _nginx?.Dispose();
        _portal.Dispose();
        _redis.Dispose();
    }
}
