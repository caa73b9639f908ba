using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// At desktop size (1366 × 900), in Chromium: the app-bar balance follows API spending while the page stays open; a long
/// target URL takes one line in the short-link table with the whole value in its title; the dashboard draws the usage
/// charts; the Calls page's CSV holds the listed rows. Screenshots go to TestResults/e2e-artifacts/usage-*.png.
/// </summary>
public sealed class UsageJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };

    private readonly PortalServer _server = Start();

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task ApiSpending_ChipFollowsWithoutReload_TablesClipLongUrls_ChartsAndCsvShowTheCalls()
    {
        var email = $"usage-{Guid.NewGuid():N}@example.com";
        await using var userContext = await browser.Browser.NewContextAsync(new() { ViewportSize = Desktop, AcceptDownloads = true });
        var user = new PortalPages(await userContext.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync(email, "Usage-Passw0rd!");

        await using var adminContext = await browser.Browser.NewContextAsync(new() { ViewportSize = Desktop });
        var admin = new PortalPages(await adminContext.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword, await _server.EnrollAdminAuthenticatorAsync());
        await admin.AdminCreditAsync(email, "1.00", "usage journey");

        // The tokens page stays open while the API is called from elsewhere.
        var token = await user.CreateTokenAsync("usage");
        var chip = user.Page.Locator("[data-testid=appbar-balance]");
        await Assertions.Expect(chip).ToContainTextAsync("¥1.00");
        using var api = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var longUrl = "https://www.example.com/report?q=" + new string('x', 1900);
        Assert.Equal(200, (int)(await api.PostAsJsonAsync("/generate-shortlink", new { longUrl })).StatusCode);
        Assert.Equal(200, (int)(await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://www.example.com/second" })).StatusCode);
        await Assertions.Expect(chip).ToContainTextAsync("¥0.80");

        // One line per row, the full URL on hover.
        await user.OpenAsync("/links/short");
        var cell = user.Page.Locator("[data-testid=short-link-table] [data-testid=truncated-text]").Filter(new() { HasText = "report?q=" });
        await Assertions.Expect(cell).ToHaveAttributeAsync("title", longUrl);
        var box = await cell.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Height < 40, $"the URL cell is {box.Height}px tall");
        Assert.True(box.Width < 500, $"the URL cell is {box.Width}px wide");
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "usage-short-links.png"), FullPage = true });

        await user.OpenAsync("/");
        await Assertions.Expect(user.Page.Locator("[data-testid=usage-today-calls]")).ToHaveTextAsync("2");
        await Assertions.Expect(user.Page.Locator("[data-testid=usage-calls-chart] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(user.Page.Locator("[data-testid=onboarding-call]")).ToHaveAttributeAsync("data-done", "true");
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "usage-dashboard.png"), FullPage = true });

        await user.OpenAsync("/calls");
        await Assertions.Expect(user.Page.Locator("[data-testid=calls-grid] tbody tr.mud-table-row")).ToHaveCountAsync(2);
        var download = await user.Page.RunAndWaitForDownloadAsync(() => user.Page.Locator("[data-testid=export-csv]").ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // header + the two calls
        Assert.All(lines.Skip(1), l => Assert.Contains("Create short link", l));
    }

    public void Dispose() => _server.Dispose();
}
