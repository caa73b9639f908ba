using Portal.E2E.Infrastructure;

namespace Portal.E2E;

/// <summary>The served app loads in a real browser with its static assets.</summary>
public sealed class SmokeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PortalServer _server = StartServer();

    private static PortalServer StartServer()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task LoginPage_InChromium_RendersWithFrameworkScript()
    {
        using var http = new HttpClient();
        var script = await http.GetAsync(_server.BaseUrl + "/_framework/blazor.web.js");
        Assert.Equal(200, (int)script.StatusCode);

        var page = await browser.Browser.NewPageAsync();
        var response = await page.GotoAsync(_server.BaseUrl + "/Account/Login");
        Assert.Equal(200, response!.Status);
        Assert.Equal(1, await page.Locator("input[type=password]").CountAsync());
    }

    public void Dispose() => _server.Dispose();
}
