using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// At desktop size, in Chromium: the app bar's Live/Test switch turns the pages to test data (marked), free test credit
/// shows in the app bar, the tokens page issues a <c>wxp_test_</c> token, and a call with it spends the test balance
/// only. Screenshot: TestResults/e2e-artifacts/test-mode-tokens.png.
/// </summary>
public sealed class TestModeJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
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
    public async Task TestSwitch_TestCredit_TestToken_SpendsOnlyTheTestBalance()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = Desktop });
        var page = await context.NewPageAsync();
        var user = new PortalPages(page, _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync($"sandbox-{Guid.NewGuid():N}@example.com", "Sandbox-Passw0rd!");

        await user.OpenAsync("/tokens");
        await Assertions.Expect(page.Locator("[data-testid=test-mode-banner]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=mode-switch]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=test-mode-banner]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=interactive-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        var chip = page.Locator("[data-testid=appbar-balance]");
        await Assertions.Expect(chip).ToContainTextAsync("¥0.00");
        await page.Locator("[data-testid=add-test-credit]").ClickAsync();
        await Assertions.Expect(chip).ToContainTextAsync("¥10.00");
        await Assertions.Expect(chip).ToContainTextAsync("Test");

        await page.GetByLabel("Name").FillAsync("sandbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create test token" }).ClickAsync();
        var secret = page.GetByLabel("New token");
        await Assertions.Expect(secret).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^wxp_test_"));
        var token = await secret.InputValueAsync();

        using var api = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await api.PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://www.example.com/sandbox" });
        Assert.Equal(200, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("9.90", body.RootElement.GetProperty("current_balance").GetString());
        await Assertions.Expect(chip).ToContainTextAsync("¥9.90");
        await Assertions.Expect(chip).ToContainTextAsync("Test");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "test-mode-tokens.png"), FullPage = true });

        // Back to live: the live balance never moved.
        await page.Locator("[data-testid=mode-switch]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=test-mode-banner]")).ToHaveCountAsync(0);
        await Assertions.Expect(chip).ToContainTextAsync("¥0.00");
        await Assertions.Expect(chip).Not.ToContainTextAsync("Test");
    }

    public void Dispose() => _server.Dispose();
}
