using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Features.WeChat;

namespace Portal.Tests.Features.WeChat;

/// <summary>The Mini-programs page over the real registry (bUnit).</summary>
public sealed class MiniProgramsPageTests(WeChatFixture fx) : IClassFixture<WeChatFixture>, IAsyncLifetime
{
    private readonly WeChatFixture _fx = fx;
    private readonly BunitContext _ctx = new();

    public ValueTask InitializeAsync()
    {
        // Every other service is the app's real one (bUnit's fallback provider).
        _ctx.Services.AddFallbackServiceProvider(_fx.Factory.Services);
        _ctx.Services.AddLocalization();
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    private IRenderedComponent<T> Render<T>() where T : Microsoft.AspNetCore.Components.IComponent => _ctx.Render<T>();

    private async Task<Portal.Tests.TestInfrastructure.TestUser> SignInAsync()
    {
        var user = await _fx.Factory.CreateUserAsync();
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized(user.Email);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return user;
    }

    [Fact]
    public async Task Render_UserWithApp_ShowsLast4OfSecretOnly()
    {
        var user = await SignInAsync();
        var (app, secret) = await _fx.Factory.RegisterAppAsync(user);

        var cut = Render<MiniProgramsPage>();

        cut.WaitForAssertion(() => Assert.Contains(app.AppId, cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("••••" + secret[^4..], cut.Markup);
        Assert.DoesNotContain(secret, cut.Markup);
    }

    [Fact]
    public async Task TypeInvalidAppId_ShowsValidationMessage()
    {
        await SignInAsync();
        var cut = Render<MiniProgramsPage>();

        cut.FindAll("input")[0].Input("wx12");

        cut.WaitForAssertion(() => Assert.Contains("AppID must be wx followed by 16 hexadecimal characters", cut.Markup), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RegisterForm_ValidInput_AddsAppAsDefault()
    {
        var user = await SignInAsync();
        var cut = Render<MiniProgramsPage>();
        var appId = WeChatStub.NewAppId();
        var secret = WeChatStub.NewSecret();

        cut.FindAll("input")[0].Input(appId);
        cut.FindAll("input")[1].Input(secret);
        cut.FindAll("input")[2].Input("Shop");
        cut.WaitForAssertion(() => Assert.False(cut.FindAll("button").First(b => b.TextContent.Contains("Register")).HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        cut.FindAll("button").First(b => b.TextContent.Contains("Register")).Click();

        cut.WaitForAssertion(() => Assert.Contains(appId, cut.Find("table").TextContent), TimeSpan.FromSeconds(10));
        var apps = await _fx.Factory.Services.GetRequiredService<MiniProgramAppService>().ListMineAsync(user.Id);
        Assert.True(Assert.Single(apps).IsDefault);
        Assert.Equal("Shop", apps[0].Name);
    }

    [Fact]
    public async Task RegisterForm_NameOverTheLimit_ShowsTheLimitInsteadOfCuttingAndRegistersNothing()
    {
        var user = await SignInAsync();
        var cut = Render<MiniProgramsPage>();
        var name = new string('名', MiniProgramAppService.MaxNameLength + 1);

        cut.FindAll("input")[0].Input(WeChatStub.NewAppId());
        cut.FindAll("input")[1].Input(WeChatStub.NewSecret());
        cut.FindAll("input")[2].Input(name);

        cut.WaitForAssertion(() => Assert.Contains($"At most {MiniProgramAppService.MaxNameLength} characters", cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Equal(name, cut.FindAll("input")[2].GetAttribute("value"));
        Assert.True(cut.FindAll("button").First(b => b.TextContent.Contains("Register")).HasAttribute("disabled"));
        Assert.Empty(await _fx.Factory.Services.GetRequiredService<MiniProgramAppService>().ListMineAsync(user.Id));
    }
}
