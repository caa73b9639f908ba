using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// The first admin sign-in on the real stack: without an authenticator app the dashboard and the drawer say how to open
/// the admin pages (instead of a plain user dashboard); once one is enrolled the notice is gone and the pages open.
/// </summary>
public sealed class AdminOnboardingTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PortalServer _server = Start();

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Fact]
    public async Task AdminWithoutAuthenticator_SeesTheCallToActionUntilEnrolled()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var admin = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword);

        await admin.OpenAsync("/");
        var notice = admin.Page.Locator("[data-testid=admin-2fa-notice]");
        await Assertions.Expect(notice).ToContainTextAsync("Admin pages open after you enrol an authenticator app");
        await Assertions.Expect(admin.Page.Locator("[data-testid=admin-2fa-nav]")).ToBeVisibleAsync();
        await admin.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "admin-2fa-notice.png"), FullPage = true });

        await admin.Page.Locator("[data-testid=admin-2fa-enrol]").ClickAsync();
        await admin.Page.WaitForURLAsync(url => url.Contains("/Account/Manage/EnableAuthenticator"));
        // The page creates the admin's authenticator key as it renders: let it finish before the key is replaced below
        // (two resets at once collide on the token row, and leaving a page mid-load aborts the next navigation).
        await admin.Page.Locator("#qrCode").WaitForAsync();

        await _server.EnrollAdminAuthenticatorAsync();
        await admin.OpenAsync("/");
        await Assertions.Expect(admin.Page.Locator("[data-testid=dashboard-balance]")).ToBeVisibleAsync();
        await Assertions.Expect(notice).ToHaveCountAsync(0);
        await Assertions.Expect(admin.Page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();
        await admin.OpenAsync("/admin/users");
        await Assertions.Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1 })).ToBeVisibleAsync();
    }

    public void Dispose() => _server.Dispose();
}
