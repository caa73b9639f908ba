using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.E2E.Pages;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Portal.E2E;

/// <summary>
/// The code journey against a WireMock stub of WeChat: register an app, generate a code in the form, see the image,
/// balance down 0.10 and a ledger line. Screenshot saved to TestResults/e2e-artifacts/.
/// </summary>
public sealed class CodeJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private const string AppId = "wx6b698b0251caccff";
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private readonly WireMockServer _wechat = WireMockServer.Start();
    private readonly PortalServer _server = new();

    [Fact]
    public async Task RegisterAppGenerateCode_ImageShownBalanceDownLedgerLine()
    {
        var png = QrPng("e2e");
        _wechat.Given(Request.Create().WithPath("/cgi-bin/stable_token").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"access_token\":\"E2E_ACCESS_TOKEN\",\"expires_in\":7200}"));
        _wechat.Given(Request.Create().WithPath("/wxa/getwxacodeunlimit").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "image/png").WithBody(png));
        _server.Settings["WeChat:ApiBaseUrl"] = _wechat.Url;
        _server.Start();

        var email = $"codes-{Guid.NewGuid():N}@example.com";
        await using var userContext = await browser.Browser.NewContextAsync();
        var user = new PortalPages(await userContext.NewPageAsync(), _server.BaseUrl);
        await user.UseEnglishAsync();
        await user.RegisterAsync(email, "Codes-Passw0rd!");

        await using var adminContext = await browser.Browser.NewContextAsync();
        var admin = new PortalPages(await adminContext.NewPageAsync(), _server.BaseUrl);
        await admin.UseEnglishAsync();
        await admin.LogInAsync(PortalServer.AdminEmail, PortalServer.AdminPassword, await _server.EnrollAdminAuthenticatorAsync());
        await admin.AdminCreditAsync(email, "1.00", "E2E code credit");

        await user.RegisterAppAsync(AppId, Secret, "E2E shop");
        var preview = await user.GenerateCodeAsync("id=42", "pages/index/index");

        Assert.True(await preview.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the code image did not load");
        await Assertions.Expect(user.Page.Locator("[data-testid=code-balance]")).ToContainTextAsync("0.90");
        await Assertions.Expect(user.Page.Locator("[data-testid=appbar-balance]")).ToContainTextAsync("0.90");
        await user.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDir, "journey-code.png"), FullPage = true });
        Assert.Single(_wechat.LogEntries, e => e.RequestMessage.Path == "/wxa/getwxacodeunlimit");

        await user.OpenAsync("/ledger");
        await Assertions.Expect(user.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "-0.10" })).ToHaveCountAsync(1);
        await Assertions.Expect(await user.DashboardBalanceAsync()).ToContainTextAsync("0.90");
    }

    private static byte[] QrPng(string text)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCoder.QRCodeGenerator.ECCLevel.M);
        return new QRCoder.PngByteQRCode(data).GetGraphic(8);
    }

    public void Dispose()
    {
        _wechat.Stop();
        _server.Dispose();
    }
}
