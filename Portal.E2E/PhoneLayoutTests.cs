using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// Every page at a phone's 390 × 844 viewport, in Chinese (the default) and in English: nothing wider than the screen
/// (tables turn into cards or scroll inside their own box), the account menu reachable on the app bar, and sign-out
/// working from it. Screenshots of each page go to TestResults/e2e-artifacts/phone-*.png.
/// </summary>
public sealed class PhoneLayoutTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private static readonly string[] UserPages =
        ["/", "/topup", "/ledger", "/calls", "/tokens", "/links/short", "/links/miniprogram", "/apps", "/codes/generate", "/codes"];

    private static readonly string[] AccountPages = ["/Account/Manage", "/Account/Manage/TwoFactorAuthentication"];

    private static readonly string[] AdminPages =
        ["/admin/users", "/admin/codes", "/admin/prices", "/admin/links", "/admin/wechat-tokens"];

    private readonly PortalServer _server = Start();

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task EveryPage_AtPhoneWidth_FitsTheScreenAndTheAccountMenuSignsOut(string culture)
    {
        var email = $"phone-{Guid.NewGuid():N}@example.com";
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = Phone, IsMobile = true, HasTouch = true });
        var phone = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
        await phone.UseEnglishAsync();
        await phone.RegisterAsync(email, "Phone-Passw0rd!");
        await phone.Page.GotoAsync($"{_server.BaseUrl}/culture/set?culture={culture}&redirectUri=/");

        foreach (var path in UserPages)
            await AssertFitsAsync(phone, path, culture);
        foreach (var path in AccountPages)
            await AssertAccountPageFitsAsync(phone, path, culture);

        await phone.OpenAsync("/");
        await phone.Page.Locator("[data-testid=user-menu-button]").ClickAsync();
        var signOut = phone.Page.Locator("[data-testid=sign-out]");
        await Assertions.Expect(signOut).ToBeInViewportAsync();
        await Assertions.Expect(phone.Page.Locator("[data-testid=user-menu-account]")).ToContainTextAsync(email);
        await Assertions.Expect(phone.Page.Locator("[data-testid=language-en]")).ToBeVisibleAsync();
        await phone.Page.WaitForTimeoutAsync(400); // the menu's fade-in, for a readable screenshot only
        await phone.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"phone-{culture}-menu.png") });
        await signOut.ClickAsync();

        await phone.Page.WaitForURLAsync(url => !url.Contains("/Account/Logout"));
        await phone.Page.GotoAsync($"{_server.BaseUrl}/tokens");
        await phone.Page.WaitForURLAsync(url => url.Contains("/Account/Login"));
    }

    [Fact]
    public async Task AdminPages_AtPhoneWidth_FitTheScreen()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = Phone, IsMobile = true, HasTouch = true });
        var admin = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword, await _server.EnrollAdminAuthenticatorAsync());

        foreach (var path in AdminPages)
            await AssertFitsAsync(admin, path, "en");
    }

    /// <summary>Opens <paramref name="path"/> and asserts the document is no wider than the viewport and the menu is on screen.</summary>
    private static async Task AssertFitsAsync(PortalPages pages, string path, string culture)
    {
        await pages.OpenAsync(path);
        // Let tables finish their first load (their rows are what is most likely to overflow).
        await pages.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(pages.Page.Locator(".mud-table-loading, .mud-progress-linear")).ToHaveCountAsync(0);

        // Against the phone's width, not innerWidth: a mobile browser widens its layout viewport to fit what overflows.
        var width = await pages.Page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
        var name = path == "/" ? "dashboard" : path.Trim('/').Replace('/', '-');
        await pages.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"phone-{culture}-{name}.png"), FullPage = true });
        Assert.True(width <= Phone.Width, $"{path} ({culture}) is {width} px wide on a {Phone.Width} px screen");
        await Assertions.Expect(pages.Page.Locator("[data-testid=user-menu-button]")).ToBeInViewportAsync();
    }

    /// <summary>The static Identity pages (their own plain frame): no wider than the phone, sign-out on screen.</summary>
    private static async Task AssertAccountPageFitsAsync(PortalPages pages, string path, string culture)
    {
        await pages.Page.GotoAsync(pages.BaseUrl + path);
        var width = await pages.Page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
        var name = path.Trim('/').Replace('/', '-');
        await pages.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"phone-{culture}-{name}.png"), FullPage = true });
        Assert.True(width <= Phone.Width, $"{path} ({culture}) is {width} px wide on a {Phone.Width} px screen");
        await Assertions.Expect(pages.Page.Locator(".account-bar .account-link-button")).ToBeInViewportAsync();
    }

    public void Dispose() => _server.Dispose();
}
