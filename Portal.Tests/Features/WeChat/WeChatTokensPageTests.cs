using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Features.Accounts;
using Portal.Features.WeChat;

namespace Portal.Tests.Features.WeChat;

/// <summary>The admin token page (bUnit) over the real store, client and stub.</summary>
public sealed class WeChatTokensPageTests(WeChatFixture fx) : IClassFixture<WeChatFixture>, IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public ValueTask InitializeAsync()
    {
        // Every other service is the app's real one (bUnit's fallback provider).
        _ctx.Services.AddFallbackServiceProvider(fx.Factory.Services);
        _ctx.Services.AddLocalization();
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public async Task ForceRefresh_CallsStableTokenWithForceAndThenDisablesTheButton()
    {
        fx.Stub.Reset();
        fx.Stub.StableToken("FORCED-BY-ADMIN");
        var admin = await fx.Factory.CreateUserAsync(role: Roles.Admin);
        var owner = await fx.Factory.CreateUserAsync();
        var (app, _) = await fx.Factory.RegisterAppAsync(owner);
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized(admin.Email);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.Id));

        var cut = _ctx.Render<WeChatTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains(app.AppId, cut.Markup), TimeSpan.FromSeconds(10));
        var row = cut.FindAll("tr").Single(r => r.TextContent.Contains(app.AppId));
        Assert.Contains("No token", row.TextContent);
        Assert.Contains(owner.Email, row.TextContent);
        row.QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[role=status]")), TimeSpan.FromSeconds(10));
        Assert.Equal($"Token of {app.AppId} refreshed.", cut.Find("[role=status]").TextContent.Trim());
        Assert.Contains("\"force_refresh\":true", fx.Stub.LogEntries.Single().RequestMessage.Body);
        var refreshed = cut.FindAll("tr").Single(r => r.TextContent.Contains(app.AppId));
        Assert.Contains("1 / 20", refreshed.TextContent);
        Assert.True(refreshed.QuerySelector("button")!.HasAttribute("disabled"));
        Assert.DoesNotContain("FORCED-BY-ADMIN", cut.Markup);
    }
}
