using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// The browser journey through Debian's nginx running the shipped <c>deploy/nginx/portal.conf</c> in front of two Portal
/// processes on one database (a throwaway PostgreSQL in test.sh's PostgreSQL leg) sharing one throwaway redis-server.
/// Two browsers, each pinned by its route cookie to a different instance, sign in, create an API token and a short link
/// in the pages (Blazor circuits over a WebSocket through nginx); every page, form post and circuit request of a
/// browser is answered by its own instance (so both instances served circuits), the circuit stays connected while API
/// traffic with the new token flows to both instances, and the token's rate limit (1 per second, burst 5) holds once
/// for both instances together through nginx because Redis shares it.
/// </summary>
public sealed class NginxJourneyTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>, IDisposable
{
    private const string Email = "journey@e2e.local";
    private const string Password = "Proc-Passw0rd!";
    private const int Burst = 5;

    private readonly PortalProcesses _portal = new();
    private readonly Portal.Tests.TestInfrastructure.RedisServer _redis = new();
    private NginxProxy? _nginx;

    [Fact]
    public async Task TwoBrowsersPinnedToTwoInstances_SignInCreateTokenAndLink_CircuitsSurvive_RedisLimitHoldsThroughNginx()
    {
        _portal.Settings["ConnectionStrings__Redis"] = _redis.ConnectionString;
        _portal.Settings["RateLimiting__Enabled"] = "true";
        _portal.Settings["RateLimiting__PermitsPerSecond"] = "1";
        _portal.Settings["RateLimiting__Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var limitedToken = await _portal.UserWithTokenAsync(Email, "20.00");
        var ports = new[] { PortalProcesses.FreePort(), PortalProcesses.FreePort() };
        foreach (var port in ports) await _portal.StartAsync($"http://127.0.0.1:{port}");
        _nginx = new NginxProxy(ports);
        await _nginx.StartAsync();

        // A route cookie value for each instance: nginx hashes the cookie consistently, so try values until each
        // instance has one.
        var routes = await RouteCookiePerInstanceAsync(ports);

        var shortUrls = new List<string>();
        foreach (var port in ports)
        {
            var upstream = $"127.0.0.1:{port}";
            // The previous browser's last lines (its circuit's WebSocket and disconnect beacon, logged as it closed) first.
            var firstLine = await QuietAccessLogAsync();
            await using var context = await browser.Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 1366, Height = 900 } });
            await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "portal_route", Value = routes[port], Url = _nginx.BaseUrl }]);
            var page = await context.NewPageAsync();
            var sockets = new List<IWebSocket>();
            page.WebSocket += (_, socket) => { lock (sockets) sockets.Add(socket); };
            var pages = new PortalPages(page, _nginx.BaseUrl);
            await pages.UseEnglishAsync();
            await pages.LogInAsync(Email, Password);

            // A token made in the page (a circuit event), then API calls with it that land on both instances.
            var token = await pages.CreateTokenAsync($"nginx-{port}");
            var circuit = OpenBlazorSocket(sockets);
            using (var api = _nginx.Client())
            {
                api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                for (var i = 0; i < 4; i++)
                {
                    var response = await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/journey/{port}/{i}" });
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }
            // The same circuit still answers: a second token from the same page, no reload, no reconnect dialog.
            await page.GetByLabel("Name").FillAsync($"nginx-{port}-again");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"nginx-{port}-again" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
            Assert.Same(circuit, OpenBlazorSocket(sockets));

            // A short link from the form; its address is nginx's https address.
            await pages.OpenAsync("/links/short");
            await page.GetByLabel("Long URL").FillAsync($"https://example.com/journey/{port}/form");
            await page.GetByRole(AriaRole.Button, new() { Name = "Shorten" }).ClickAsync();
            var shortUrl = page.Locator("[data-testid=short-url]");
            await Assertions.Expect(shortUrl).ToContainTextAsync($"https://127.0.0.1:{_nginx.HttpsPort}/s/");
            shortUrls.Add(await shortUrl.InnerTextAsync());
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
            OpenBlazorSocket(sockets);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"nginx-journey-{Array.IndexOf(ports, port) + 1}.png"), FullPage = true });

            // Every page, form post and circuit request of this browser went to its instance; its API calls to both.
            var lines = AccessLog().Skip(firstLine).ToList();
            var ui = lines.Where(l => !l.Request.Contains("/generate-shortlink", StringComparison.Ordinal) && l.Upstream.Length > 0).ToList();
            output.WriteLine($"browser pinned to {upstream}: {ui.Count} page/circuit requests, API upstreams {string.Join(',', lines.Where(l => l.Request.Contains("/generate-shortlink")).Select(l => l.Upstream).Distinct())}");
            Assert.Contains(ui, l => l.Request.StartsWith("POST /_blazor/negotiate", StringComparison.Ordinal));
            Assert.Contains(ui, l => l.Request.StartsWith("POST /Account/Login", StringComparison.Ordinal));
            Assert.All(ui, l => Assert.True(l.Upstream == upstream, $"{l.Request} answered by {l.Upstream}, not {upstream}"));
            Assert.Equal(2, lines.Where(l => l.Request.Contains("/generate-shortlink", StringComparison.Ordinal)).Select(l => l.Upstream).Distinct().Count());
            await context.CloseAsync();
        }

        // The links made in either browser redirect wherever the visit lands.
        using (var visitor = _nginx.Client())
        {
            foreach (var url in shortUrls)
            {
                var visit = await visitor.GetAsync(new Uri(url).AbsolutePath);
                Assert.Equal(HttpStatusCode.Found, visit.StatusCode);
                Assert.Matches(@"^https://example\.com/journey/\d+/form$", visit.Headers.Location?.ToString());
            }
        }

        // The token's limit through nginx: calls at once spread over both instances, one bucket between them.
        var before = AccessLog().Count;
        using var limited = _nginx.Client();
        limited.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", limitedToken);
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => limited.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/limit/{i}" })
            .ContinueWith(t => (int)t.Result.StatusCode, TaskScheduler.Default)));
        var elapsed = clock.Elapsed;
        var burst = AccessLog().Skip(before).ToList();
        var served = statuses.Count(s => s == 200);
        var report = $"provider={_portal.Provider} limit: served={served} limited={statuses.Count(s => s == 429)} in {elapsed.TotalMilliseconds:0} ms " +
                     $"over {string.Join(',', burst.Select(l => l.Upstream).Distinct())}";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ArtifactsDir, $"nginx-journey-{_portal.Provider.ToLowerInvariant()}.txt"), report + Environment.NewLine);
        Assert.Equal(2, burst.Select(l => l.Upstream).Distinct().Count());
        // One bucket of 5 plus one per second that passed; two per-instance buckets would have served 10.
        Assert.InRange(served, Burst, Burst + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.Equal(16 - served, statuses.Count(s => s == 429));
    }

    /// <summary>For each instance port, a <c>portal_route</c> value nginx sends to it (found by asking with probe values).</summary>
    private async Task<Dictionary<int, string>> RouteCookiePerInstanceAsync(int[] ports)
    {
        var routes = new Dictionary<int, string>();
        using var http = _nginx!.Client();
        for (var i = 0; i < 40 && routes.Count < ports.Length; i++)
        {
            var value = $"route-{i}-{Guid.NewGuid():N}";
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/Account/Login?probe={value}");
            request.Headers.Add("Cookie", "portal_route=" + value);
            (await http.SendAsync(request)).EnsureSuccessStatusCode();
            var upstream = AccessLog().Last(l => l.Request.Contains(value, StringComparison.Ordinal)).Upstream;
            var port = ports.Single(p => upstream == $"127.0.0.1:{p}");
            routes.TryAdd(port, value);
        }
        Assert.Equal(ports.Length, routes.Count);
        return routes;
    }

    /// <summary>The page's circuit: the WebSocket to <c>/_blazor</c> it opened last, which must still be open.</summary>
    /// <summary>Waits until nginx's access log has not grown for a second; returns its line count.</summary>
    private async Task<int> QuietAccessLogAsync()
    {
        var count = AccessLog().Count;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(1000);
            var now = AccessLog().Count;
            if (now == count) break;
            count = now;
        }
        return count;
    }

    private static IWebSocket OpenBlazorSocket(List<IWebSocket> sockets)
    {
        lock (sockets)
        {
            var circuit = sockets.LastOrDefault(s => s.Url.Contains("/_blazor", StringComparison.Ordinal));
            Assert.True(circuit is { IsClosed: false }, $"no open circuit socket; seen: {string.Join(", ", sockets.Select(s => s.Url + (s.IsClosed ? " (closed)" : "")))}");
            Assert.StartsWith("wss://127.0.0.1:", circuit.Url);
            return circuit;
        }
    }

    private List<(string Request, string Upstream)> AccessLog() => File.Exists(_nginx!.AccessLog)
        ? File.ReadLines(_nginx.AccessLog).Select(l => (Regex.Match(l, "\"([^\"]*)\"").Groups[1].Value, Regex.Match(l, @"upstream=(\S+)").Groups[1].Value)).ToList()
        : [];

    public void Dispose()
    {
        _nginx?.Dispose();
        _portal.Dispose();
        _redis.Dispose();
    }
}
