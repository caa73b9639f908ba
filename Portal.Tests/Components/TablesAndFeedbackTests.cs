using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Components.Shared;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Components;

/// <summary>Long values in tables, times in China Standard Time, one feedback per action, the live balance chip.</summary>
public sealed class TablesAndFeedbackTests : PortalComponentTest
{
    // Its tests assert site-wide state (balance watchers, prices), which a neighbour test would have changed.
    protected override bool ShareApp => false;

    [Theory]
    [InlineData("en", "2026-11-26 02:51 CST")]
    [InlineData("zh-CN", "2026-11-26 02:51 北京时间")]
    public void Time_UtcInstant_IsShownInChinaStandardTimeWithTheZoneNamed(string culture, string expected)
    {
        UseCulture(culture);
        var t = new DateTimeOffset(2026, 11, 25, 18, 51, 30, TimeSpan.Zero);

        Assert.Equal(expected, UiFormat.Time(t));
        Assert.Equal("2026-11-26", UiFormat.Date(t));
        Assert.Equal("", UiFormat.Time(null));
    }

    [Fact]
    public void EndOfDay_ChosenDate_LastsThroughThatDayInChinaStandardTime()
    {
        var end = UiFormat.EndOfDay(new DateTime(2026, 12, 1))!.Value;

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero).AddTicks(-1), end);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), UiFormat.StartOfDay(new DateOnly(2026, 12, 1)));
        Assert.Null(UiFormat.EndOfDay(null));
    }

    [Fact]
    public async Task ShortLinks_LongTarget_ClippedInTableWithFullValueOnHoverAndCopyAndOneFeedback()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();
        var url = "https://example.com/" + new string('q', 1900);

        await InputAsync(cut, "input[data-testid=long-url]", url);
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Shorten").HasAttribute("disabled")));
        await ClickAsync(cut, "Shorten");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=short-link-table] [data-testid=truncated-text]")));
        var cell = cut.Find("[data-testid=short-link-table] [data-testid=truncated-text]");
        Assert.Equal(url, cell.GetAttribute("title"));
        Assert.Contains("truncated-text", cell.ClassList);
        Assert.Single(cut.FindAll("[data-testid=short-link-table] [data-testid=truncated] [data-testid=copy-button]"));
        // One feedback: the result alert, no toast on top of it.
        Assert.Single(cut.FindAll("[data-testid=short-link-result]"));
        Assert.Empty(Host.FindAll(".mud-snackbar"));
    }

    [Fact]
    public async Task AdminLinks_LongTarget_ClippedWithFullValueInTitle()
    {
        UseCulture("en");
        var owner = await Factory.CreateUserAsync(balanceFen: 100);
        var url = "https://example.com/" + new string('z', 1500);
        var created = await Factory.Services.GetRequiredService<LinkCommands>()
            .CreateShortLinkAsync(BillingCaller.FromPortal(owner.Id), url, [], CancellationToken.None);
        Assert.Equal(Portal.Features.Billing.BilledStatus.Succeeded, created.Status);
        await SignInAsync(role: Roles.Admin);
        var cut = RenderPage<ShortLinksAdminPage>();

        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-testid=admin-links-table] [data-testid=truncated-text]"), e => e.GetAttribute("title") == url));
    }

    [Fact]
    public async Task BalanceChip_ApiCallsElsewhere_FollowsTheSpendingWithoutReload()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var chip = Ctx.Render<BalanceChip>();
        chip.WaitForAssertion(() => Assert.Contains("¥1.00", chip.Find("[data-testid=appbar-balance]").TextContent));

        // A real API call, as from the user's server: the chip hears the ledger's new balance.
        var token = await Factory.IssueTokenAsync(User);
        var (status, _) = await Factory.ApiClient(token).PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/chip" });
        Assert.Equal(200, status);
        chip.WaitForAssertion(() => Assert.Contains("¥0.90", chip.Find("[data-testid=appbar-balance]").TextContent));

        // An admin credit too.
        Assert.True((await Factory.Services.GetRequiredService<BillingLedger>().AdjustAsync("test-admin", User.Id, 500, "credit")).Succeeded);
        chip.WaitForAssertion(() => Assert.Contains("¥5.90", chip.Find("[data-testid=appbar-balance]").TextContent));

        // Leaving the page stops listening.
        var feed = Factory.Services.GetRequiredService<BalanceFeed>();
        Assert.Equal(1, feed.WatchedUsers);
        chip.Instance.Dispose();
        Assert.Equal(0, feed.WatchedUsers);
    }

    [Fact]
    public async Task RevokeToken_Confirmation_HasItsConfirmButtonInTheErrorColour()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "old key");
        var cut = RenderPage<Portal.Features.ApiTokens.ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[aria-label='Revoke old key']")));

        await cut.InvokeAsync(() => cut.Find("button[aria-label='Revoke old key']").Click());

        Host.WaitForAssertion(() => Assert.Contains("Revoke token?", Host.Markup));
        var yes = Host.Find("[data-testid=confirm-yes]");
        Assert.Contains("mud-button-filled-error", yes.ClassList);
        Assert.Contains("Revoke", yes.TextContent);
        // The revoke button in the list is red too.
        Assert.Contains("mud-button-text-error", cut.Find("button[aria-label='Revoke old key']").ClassList);
    }
}
