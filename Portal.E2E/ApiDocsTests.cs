using Microsoft.Playwright;
using Portal.E2E.Infrastructure;

namespace Portal.E2E;

/// <summary>The API reference at <c>/api-docs</c> in a real browser: offline, opening on the introduction, token scheme ready.</summary>
public sealed class ApiDocsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PortalServer _server = StartServer();

    private static PortalServer StartServer()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task ApiDocs_InChromium_ShowsTheIntroductionWithoutLeavingTheSite()
    {
        var page = await browser.Browser.NewPageAsync();
        var site = new Uri(_server.BaseUrl);
        var elsewhere = new List<string>();
        // Anything not served by Portal itself (fonts, scripts, telemetry, a proxy) is refused and remembered.
        await page.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Authority != site.Authority)
            {
                lock (elsewhere) elsewhere.Add(route.Request.Url);
                await route.AbortAsync();
                return;
            }
            await route.ContinueAsync();
        });

        var response = await page.GotoAsync(_server.BaseUrl + "/api-docs");

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Portal API" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // Generous waits: the page renders a large document in the browser, and the test machine is shared.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Idempotency" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("ApiToken").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        foreach (var language in new[] { "Shell", "C#", "Python", "JavaScript" })
            await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = language }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "api-docs.png") });
        Assert.Empty(elsewhere);
    }

    public void Dispose() => _server.Dispose();
}
