using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.E2E;

/// <summary>
/// The account journey in Debian's Chromium against the app on a real Kestrel port: register → an admin credits the user →
/// the user issues a token in the UI → POST /generate-shortlink with it → the browser follows the short link to the target
/// → the dashboard shows the new balance. Screenshot saved to TestResults/e2e-artifacts/.
/// </summary>
public sealed class AccountJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PortalServer _server = Start();
    private readonly WireMockServer _target = WireMockServer.Start();

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task RegisterCreditTokenShortLink_BalanceDropsAndLinkLandsOnTarget()
    {
        _target.Given(Request.Create().WithPath("/landing").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/html").WithBody("<html><body><h1>Target reached</h1></body></html>"));
        var email = $"e2e-{Guid.NewGuid():N}@example.com";
        const string password = "E2e-Passw0rd!";

        await using var userContext = await browser.Browser.NewContextAsync();
        var user = new PortalPages(await userContext.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync(email, password);

        await using var adminContext = await browser.Browser.NewContextAsync();
        var admin = new PortalPages(await adminContext.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword, await _server.EnrollAdminAuthenticatorAsync());
        await admin.AdminCreditAsync(email, "1.00", "E2E welcome credit");

        var token = await user.CreateTokenAsync("e2e");

        using var api = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The target is a local WireMock stub under a public-looking name that the browser maps to 127.0.0.1.
        var longUrl = $"http://{BrowserFixture.TargetHost}:{new Uri(_target.Url!).Port}/landing";
        var response = await api.PostAsJsonAsync("/generate-shortlink", new { longUrl });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("0.90", body.GetProperty("current_balance").GetString());
        var shortUrl = body.GetProperty("short_url").GetString()!;
        Assert.StartsWith(_server.BaseUrl + "/s/", shortUrl);

        await user.Page.GotoAsync(shortUrl);
        Assert.Equal(longUrl, user.Page.Url);
        await Assertions.Expect(user.Page.GetByRole(AriaRole.Heading, new() { Name = "Target reached" })).ToBeVisibleAsync();

        var balance = await user.DashboardBalanceAsync();
        await Assertions.Expect(balance).ToContainTextAsync("0.90");
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "journey-dashboard.png"), FullPage = true });
    }

    public void Dispose()
    {
        _target.Stop();
        _server.Dispose();
    }
}
