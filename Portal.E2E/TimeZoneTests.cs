using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// Times on the pages follow the browser's time zone: the same token's creation time is shown in New York time with
/// its offset to a browser in America/New_York, in 北京时间 to one in Asia/Shanghai, and as UTC to one in UTC; the
/// clock time is the real one in that zone.
/// </summary>
public sealed class TimeZoneTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PortalServer _server = Start();

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task TokenCreatedTime_ShownInTheBrowsersZone_WithTheZoneNamed()
    {
        var email = $"tz-{Guid.NewGuid():N}@example.com";
        await using var newYork = await browser.Browser.NewContextAsync(new() { TimezoneId = "America/New_York" });
        var user = new PortalPages(await newYork.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync(email, "Tz-Passw0rd!");
        var created = DateTimeOffset.UtcNow;
        await user.CreateTokenAsync("zone");
        await AssertCreatedShownAsync(user.Page, "America/New_York", created, @"UTC\u2212[45]");
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "timezone-new-york.png"), FullPage = true });

        foreach (var (zone, culture, name) in new[] { ("Asia/Shanghai", "zh-CN", "北京时间"), ("UTC", "en", "UTC") })
        {
            await using var context = await browser.Browser.NewContextAsync(new() { TimezoneId = zone });
            var pages = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
            await pages.UseEnglishAsync();
            await pages.LogInAsync(email, "Tz-Passw0rd!");
            await pages.Page.GotoAsync($"{_server.BaseUrl}/culture/set?culture={culture}&redirectUri=/tokens");
            await pages.Page.Locator("[data-testid=interactive-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await AssertCreatedShownAsync(pages.Page, zone, created, Regex.Escape(name));
        }
    }

    /// <summary>The token row's time reads <c>yyyy-MM-dd HH:mm NAME</c>, within two minutes of the creation in <paramref name="zone"/>.</summary>
    private static async Task AssertCreatedShownAsync(IPage page, string zone, DateTimeOffset created, string namePattern)
    {
        var pattern = new Regex(@"(\d{4}-\d\d-\d\d \d\d:\d\d) (" + namePattern + ")$");
        var cell = page.Locator("[data-testid=token-table] tbody tr").First.Locator("td").Nth(2);
        await Assertions.Expect(cell).ToHaveTextAsync(pattern);
        var shown = DateTime.ParseExact(pattern.Match((await cell.InnerTextAsync()).Trim()).Groups[1].Value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var expected = TimeZoneInfo.ConvertTime(created, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime;
        Assert.InRange((shown - expected).TotalMinutes, -2, 2);
    }

    public void Dispose() => _server.Dispose();
}
