using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// At desktop size, in Chromium: a user creates a short link with a chosen slug, a title and a visit limit; a visitor
/// follows it from another site on a phone; the statistics page charts the visit with its referrer host and device
/// class and offers the QR code; the owner disables the link and a visitor then gets the 410 page. Screenshots go to
/// TestResults/e2e-artifacts/shortlink-*.png.
/// </summary>
public sealed class ShortLinkJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
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
    public async Task CreateWithSlug_Visit_Stats_Disable_VisitorsGet410()
    {
        var email = $"links-{Guid.NewGuid():N}@example.com";
        await using var userContext = await browser.Browser.NewContextAsync(new() { ViewportSize = Desktop, AcceptDownloads = true });
        var user = new PortalPages(await userContext.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync(email, "Links-Passw0rd!");

        await using (var adminContext = await browser.Browser.NewContextAsync(new() { ViewportSize = Desktop }))
        {
            var admin = new PortalPages(await adminContext.NewPageAsync(), _server.BaseUrl);
            await admin.UseEnglishAsync();
            await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword, await _server.EnrollAdminAuthenticatorAsync());
            await admin.AdminCreditAsync(email, "1.00", "short-link journey");
        }

        var page = user.Page;
        await user.OpenAsync("/links/short");
        await page.Locator("input[data-testid=long-url]").FillAsync("https://www.example.com/spring/sale?from=poster");
        await page.Locator("[data-testid=link-options-toggle]").ClickAsync();
        await page.Locator("input[data-testid=link-slug]").FillAsync("admin");
        await Assertions.Expect(page.GetByText("This slug is a reserved word; choose another")).ToBeVisibleAsync();
        await page.Locator("input[data-testid=link-slug]").FillAsync("spring-sale");
        await page.Locator("input[data-testid=link-title]").FillAsync("Spring sale poster");
        await page.Locator("input[data-testid=link-tags]").FillAsync("poster, 2026");
        await page.Locator("input[data-testid=link-max-visits]").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Shorten" }).ClickAsync();
        var shortUrl = $"{_server.BaseUrl}/s/spring-sale";
        await Assertions.Expect(page.Locator("[data-testid=short-url]")).ToHaveTextAsync(shortUrl);
        await Assertions.Expect(page.Locator("[data-testid=short-link-table]")).ToContainTextAsync("Spring sale poster");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "shortlink-created.png"), FullPage = true });

        // A visitor on a phone arrives from another site.
        using (var visitor = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, shortUrl);
            request.Headers.TryAddWithoutValidation("Referer", "https://news.example.org/article/42");
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");
            var response = await visitor.SendAsync(request);
            Assert.Equal(302, (int)response.StatusCode);
            Assert.Equal("https://www.example.com/spring/sale?from=poster", response.Headers.Location!.OriginalString);
        }

        // The counts are written about once a second: reload the statistics until the visit shows.
        await page.Locator("[data-testid=link-stats]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=details-short-url]")).ToHaveTextAsync(shortUrl);
        for (var i = 0; i < 20 && await page.Locator("[data-testid=details-chart]").CountAsync() == 0; i++)
        {
            await page.WaitForTimeoutAsync(500);
            await page.ReloadAsync();
            await page.Locator("[data-testid=details-short-url]").WaitForAsync();
        }
        await Assertions.Expect(page.Locator("[data-testid=details-chart] svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=details-referrers]")).ToContainTextAsync("news.example.org");
        await Assertions.Expect(page.Locator("[data-testid=details-devices]")).ToContainTextAsync("Phone or tablet");
        await Assertions.Expect(page.Locator("[data-testid=details-visits]")).ToHaveTextAsync("1");
        var png = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=qr-png]").ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await png.PathAsync())!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "shortlink-stats.png"), FullPage = true });
        await AssertAccessibleAsync(page, "statistics page");

        // Disabled by its owner: visitors get the 410 page in both languages.
        await user.OpenAsync("/links/short");
        await page.Locator("[data-testid=link-options-toggle]").ClickAsync();
        await page.Locator("input[data-testid=link-slug]").WaitForAsync();
        await page.WaitForTimeoutAsync(1000); // the new fields' labels fade in
        await AssertAccessibleAsync(page, "short links with a link and the options open");
        await page.Locator("[data-testid=link-disable]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=link-state]").First).ToHaveTextAsync("Disabled");
        var gone = await page.GotoAsync(shortUrl);
        Assert.Equal(410, gone!.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("短链已停用");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("This short link has been disabled.");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "shortlink-disabled-410.png"), FullPage = true });
    }

    // The rules of the site-wide axe test: no serious or critical violation, a main landmark, an h1, no skipped heading level.
    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        string[] structure = ["landmark-one-main", "page-has-heading-one", "heading-order"];
        var result = await page.RunAxe();
        var problems = result.Violations
            .Where(v => v.Impact is "serious" or "critical" || structure.Contains(v.Id))
            .Select(v => $"{v.Id} [{v.Impact}]: {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(problems.Count == 0, $"{what}:\n{string.Join("\n", problems)}");
    }

    public void Dispose() => _server.Dispose();
}
