using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Features.Billing;
using Portal.Features.MiniProgramCodes;
using Portal.Features.WeChat;
using Portal.Infrastructure;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.MiniProgramCodes;

/// <summary>
/// bUnit tests of <c>/codes/generate</c> and <c>/codes</c> over the real services of the stubbed app. (Self-contained
/// setup; fold into the shared component-test base when the UI branch is merged.)
/// </summary>
public sealed class CodePagesTests(CodeApiFixture fx) : IClassFixture<CodeApiFixture>, IAsyncLifetime
{
    private readonly BunitContext _ctx = new();
    private AsyncServiceScope _scope;

    public ValueTask InitializeAsync()
    {
        _scope = fx.Factory.Services.CreateAsyncScope();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddLocalization();
        _ctx.Services.AddScoped<Portal.Components.Shared.BalanceState>();
        // Every other service is the app's real one (bUnit's fallback provider), scoped ones from one scope per test.
        _ctx.Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _scope.DisposeAsync();
    }

    private async Task<Caller> SignInAsync(long balanceFen, bool withApp = true)
    {
        var c = await fx.NewCallerAsync(balanceFen, withApp);
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized(c.User.Email);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, c.User.Id), new Claim(ClaimTypes.Name, c.User.Email));
        return c;
    }

    private IRenderedComponent<TPage> Render<TPage>() where TPage : IComponent
    {
        _ctx.SetRendererInfo(new RendererInfo("Server", true));
        _ctx.Render<MudPopoverProvider>();
        _ctx.Render<MudSnackbarProvider>();
        return _ctx.Render<TPage>();
    }

    [Fact]
    public async Task GeneratePage_InvalidScene_ShowsErrorAndKeepsGenerateDisabled()
    {
        await SignInAsync(100);
        var page = Render<GenerateCodePage>();

        page.Find("input[data-testid=code-scene]").Input("中文");

        page.WaitForAssertion(() => Assert.Contains("不支持的字符", page.Markup));
        Assert.True(page.Find("button[data-testid=code-generate]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task GeneratePage_ValidScene_GeneratesPreviewAndChargesTenFen()
    {
        var c = await SignInAsync(100);
        var page = Render<GenerateCodePage>();
        var scene = "ui" + Guid.NewGuid().ToString("N")[..10];

        page.Find("input[data-testid=code-scene]").Input(scene);
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=code-generate]").HasAttribute("disabled")));
        await page.Find("button[data-testid=code-generate]").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=code-preview]")));
        Assert.StartsWith("/codes/", page.Find("[data-testid=code-preview]").GetAttribute("src"));
        Assert.Equal("¥0.90", page.Find("[data-testid=code-balance]").TextContent);
        Assert.Equal(90, _ctx.Services.GetRequiredService<Portal.Components.Shared.BalanceState>().BalanceFen); // the app bar follows
        Assert.Equal(1, fx.Calls("/wxa/getwxacodeunlimit", scene));
        Assert.Equal((90L, 90L, 2), await fx.Factory.MoneyOfAsync(c.User.Id));
    }

    [Fact]
    public async Task GeneratePage_NoRegisteredApp_PointsToTheAppsPageAndCannotGenerate()
    {
        await SignInAsync(100, withApp: false);
        var page = Render<GenerateCodePage>();

        page.Find("input[data-testid=code-scene]").Input("id=1");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=no-apps] a[href=apps]")));
        Assert.True(page.Find("button[data-testid=code-generate]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task HistoryPage_ListsTheOwnersCodesWithThumbnailsAndAppName()
    {
        var c = await SignInAsync(100);
        var (_, body) = await c.Client.PostJsonAsync("/generate-qr", new { appid = c.AppId, pagepath = "pages/h", type = "wxcode_b", scene = "hist1" });
        var path = new Uri(body.GetProperty("qrcode_url").GetString()!).AbsolutePath;

        var page = Render<CodeHistoryPage>();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("img"), i => i.GetAttribute("src") == path));
        Assert.Contains("hist1", page.Markup);
        Assert.Contains(page.FindAll("[data-testid=code-history-app]"), td => td.TextContent.Contains("Test app") && td.TextContent.Contains(c.AppId));
    }
}
