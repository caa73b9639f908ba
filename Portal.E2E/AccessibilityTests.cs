using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;

namespace Portal.E2E;

/// <summary>
/// axe-core over every page at desktop size (1366 × 900) and at a phone's (390 × 844, touch), in Chinese (the default)
/// and in English: signed out (home,
/// sign-in and the other account pages, not-found), as a user (every feature page and the account settings) and as
/// an admin signed in with TOTP (every admin page). No page may have a serious or critical violation, and none may
/// miss its &lt;main&gt; landmark or h1 or skip a heading level. A failure lists each violation with the elements it hit.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>Rules asserted whatever their impact (axe rates them "moderate").</summary>
    private static readonly HashSet<string> StructureRules = ["landmark-one-main", "page-has-heading-one", "heading-order"];

    private static readonly string[] PublicPages =
    [
        "/", "/not-found", "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ResendEmailConfirmation",
        "/Account/Lockout", "/Account/RegisterConfirmation", "/Account/ForgotPasswordConfirmation",
        "/Account/ResetPasswordConfirmation", "/Account/InvalidPasswordReset",
    ];

    private static readonly string[] UserPages =
        ["/", "/topup", "/ledger", "/calls", "/tokens", "/links/short", "/links/miniprogram", "/apps", "/codes/generate", "/codes"];

    private static readonly string[] UserAccountPages =
    [
        "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
        "/Account/Manage/EnableAuthenticator", "/Account/Manage/Passkeys", "/Account/Manage/PersonalData",
        "/Account/Manage/DeletePersonalData", "/Account/Manage/ResetAuthenticator", "/Account/AccessDenied",
    ];

    private static readonly string[] AdminPages =
        ["/admin/users", "/admin/users/{admin}", "/admin/codes", "/admin/prices", "/admin/links", "/admin/payments", "/admin/wechat-tokens", "/admin/audit",
         "/Account/Manage/GenerateRecoveryCodes", "/Account/Manage/Disable2fa"];

    private readonly PortalServer _server = Start();
    private readonly List<string> _failures = [];
    private int _pagesChecked;
    private string _size = "desktop";

    private static PortalServer Start()
    {
        var server = new PortalServer();
        server.Start();
        return server;
    }

    [Theory]
    [InlineData("zh-CN", "desktop")]
    [InlineData("en", "desktop")]
    [InlineData("zh-CN", "phone")]
    [InlineData("en", "phone")]
    public async Task EveryPage_HasNoSeriousOrCriticalViolations(string culture, string size)
    {
        _size = size;
        var options = size == "phone" ? new BrowserNewContextOptions { ViewportSize = Phone, IsMobile = true, HasTouch = true } : new BrowserNewContextOptions { ViewportSize = Desktop };
        await using var context = await browser.Browser.NewContextAsync(options);
        var pages = new PortalPages(await context.NewPageAsync(), _server.BaseUrl);
        await UseCultureAsync(pages, culture);

        foreach (var path in PublicPages)
            await CheckStaticAsync(pages, path, culture);

        var email = $"axe-{Guid.NewGuid():N}@example.com";
        await pages.UseEnglishAsync(); // the page objects find fields by their English names
        await pages.RegisterAsync(email, "Axe-Passw0rd!");
        await UseCultureAsync(pages, culture);
        foreach (var path in UserPages)
            await CheckInteractiveAsync(pages, path, culture);
        foreach (var path in UserAccountPages)
            await CheckStaticAsync(pages, path, culture);

        await using var adminContext = await browser.Browser.NewContextAsync(options);
        var admin = new PortalPages(await adminContext.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        var key = await _server.EnrollAdminAuthenticatorAsync();
        await admin.Page.GotoAsync($"{_server.BaseUrl}/Account/Login");
        await admin.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await admin.Page.GetByLabel("Email").FillAsync(PortalServer.AdminEmail);
        await admin.Page.GetByLabel("Password").FillAsync(PortalServer.AdminPassword);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await admin.Page.WaitForURLAsync(url => url.Contains("/Account/LoginWith2fa"));
        if (culture != "en")
        {
            await admin.Page.GotoAsync($"{_server.BaseUrl}/culture/set?culture={culture}&redirectUri={Uri.EscapeDataString(new Uri(admin.Page.Url).PathAndQuery)}");
        }
        await AnalyzeAsync(admin.Page, "/Account/LoginWith2fa", culture);
        await admin.Page.Locator("#Input\\.TwoFactorCode").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await admin.Page.Locator("form button[type=submit]").First.ClickAsync();
        await admin.Page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        var adminId = await _server.UserIdAsync(PortalServer.AdminEmail);
        foreach (var path in AdminPages.Select(p => p.Replace("{admin}", adminId, StringComparison.Ordinal)))
        {
            if (path.StartsWith("/admin/", StringComparison.Ordinal)) await CheckInteractiveAsync(admin, path, culture);
            else await CheckStaticAsync(admin, path, culture);
        }

        Assert.True(_failures.Count == 0,
            $"{_failures.Count} accessibility violation(s) on {_pagesChecked} pages ({culture}, {size}):{Environment.NewLine}{string.Join(Environment.NewLine, _failures)}");
    }

    private Task UseCultureAsync(PortalPages pages, string culture) =>
        pages.Page.GotoAsync($"{_server.BaseUrl}/culture/set?culture={culture}&redirectUri=/");

    private async Task CheckStaticAsync(PortalPages pages, string path, string culture)
    {
        await pages.Page.GotoAsync(pages.BaseUrl + path);
        await pages.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AnalyzeAsync(pages.Page, path, culture);
    }

    private async Task CheckInteractiveAsync(PortalPages pages, string path, string culture)
    {
        await pages.OpenAsync(path);
        await pages.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(pages.Page.Locator(".mud-table-loading, .mud-progress-linear")).ToHaveCountAsync(0);
        await AnalyzeAsync(pages.Page, path, culture);
    }

    private async Task AnalyzeAsync(IPage page, string path, string culture)
    {
        _pagesChecked++;
        var result = await page.RunAxe();
        var name = path == "/" ? "home" : path.Trim('/').Replace('/', '-');
        if (name.StartsWith("admin-users-", StringComparison.Ordinal)) name = "admin-user";
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, $"axe-{_size}-{culture}-{name}.png"), FullPage = true });
        foreach (var violation in result.Violations)
        {
            if (violation.Impact is not ("serious" or "critical") && !StructureRules.Contains(violation.Id)) continue;
            var text = new StringBuilder($"  {path} [{violation.Impact}] {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
                text.Append(Environment.NewLine).Append("      ").Append(node.Target).Append("  ").Append(Shorten(node.Html)).Append(Environment.NewLine)
                    .Append("        ").Append(Shorten(string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message))));
            if (violation.Nodes.Length > 5) text.Append(Environment.NewLine).Append($"      … and {violation.Nodes.Length - 5} more");
            _failures.Add(text.ToString());
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    public void Dispose() => _server.Dispose();
}
