using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Features.Links;
using Portal.Resources;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

/// <summary>The short-link page's management: slug and limits checked as you type with the API's rules, disable and delete, statistics page.</summary>
public sealed class ShortLinkManagementPageTests : PortalComponentTest
{
    [Theory]
    [InlineData("en", "admin", "This slug is a reserved word; choose another")]
    [InlineData("zh-CN", "admin", "该短码是保留字，请换一个")]
    [InlineData("en", "a b", "The slug may contain only letters, digits, - and _, and must start with a letter or digit")]
    public async Task Type_BadSlug_ShowsTheApiRuleAndCannotSubmit(string culture, string slug, string expected)
    {
        UseCulture(culture);
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();
        await InputAsync(cut, "input[data-testid=long-url]", "https://example.com/x");
        await cut.InvokeAsync(() => cut.Find("[data-testid=link-options-toggle]").Click());

        await InputAsync(cut, "input[data-testid=link-slug]", slug);

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Markup));
        Assert.DoesNotContain("slug 是", string.Concat(cut.Nodes.Select(n => n.TextContent)));
        Assert.NotNull(ShortLinkSlug.Validate(slug));
        Assert.Equal((100, 100, 1), await Factory.MoneyOfAsync(User.Id));
    }

    [Fact]
    public async Task Create_WithSlugTitleTagsAndLimit_ThenDisableAndDelete()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();
        await InputAsync(cut, "input[data-testid=long-url]", "https://example.com/promo");
        await cut.InvokeAsync(() => cut.Find("[data-testid=link-options-toggle]").Click());
        await InputAsync(cut, "input[data-testid=link-slug]", "spring-sale");
        await InputAsync(cut, "input[data-testid=link-title]", "Spring sale");
        await InputAsync(cut, "input[data-testid=link-tags]", "promo, 活动");
        await InputAsync(cut, "input[data-testid=link-max-visits]", "100");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Shorten").HasAttribute("disabled")));

        await ClickAsync(cut, "Shorten");

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/s/spring-sale", cut.Find("[data-testid=short-url]").TextContent.Trim()));
        cut.WaitForAssertion(() => Assert.Contains("Spring sale", cut.Find("[data-testid=short-link-table]").TextContent));
        await using (var db = await Factory.DbAsync())
        {
            var link = await db.ShortLinks.SingleAsync(l => l.UserId == User.Id);
            Assert.Equal(("spring-sale", "Spring sale", "promo,活动", 100L), (link.Code, link.Title, link.Tags, link.MaxVisits!.Value));
        }
        Assert.Contains("0 / 100", cut.Find("[data-testid=short-link-table]").TextContent);

        await cut.InvokeAsync(() => cut.Find("[data-testid=link-disable]").Click());
        cut.WaitForAssertion(() => Assert.Equal("Disabled", cut.Find("[data-testid=link-state]").TextContent.Trim()));
        await cut.InvokeAsync(() => cut.Find("[data-testid=link-enable]").Click());
        cut.WaitForAssertion(() => Assert.Equal("Active", cut.Find("[data-testid=link-state]").TextContent.Trim()));

        await cut.InvokeAsync(() => cut.Find("[data-testid=link-delete]").Click());
        Host.WaitForAssertion(() => Assert.Contains("The fee paid for it is not refunded", Host.Markup));
        await cut.InvokeAsync(() => Host.Find("[data-testid=confirm-yes]").Click());
        cut.WaitForAssertion(() => Assert.Contains("No short links yet", cut.Markup));
        Assert.Equal((90, 90, 2), await Factory.MoneyOfAsync(User.Id));
    }

    [Fact]
    public async Task DetailsPage_ShowsQrAndStatsWithoutAddresses_AndRefusesAnotherOwnersLink()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var created = await Factory.Services.GetRequiredService<LinkCommands>().CreateShortLinkAsync(
            Portal.Features.Billing.BillingCaller.FromPortal(User.Id), "https://example.com/d", new ShortLinkDetails(Slug: "details"), [], CancellationToken.None);
        var links = Factory.Services.GetRequiredService<LinkService>();
        await links.VisitShortLinkAsync("details", "https://t.example/a", "Mozilla/5.0 (iPhone) Mobile", CancellationToken.None);
        await Factory.FlushCountersAsync();

        Ctx.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var cut = Ctx.Render<ShortLinkDetailsPage>(p => p.Add(x => x.Id, created.Value!.Id));

        cut.WaitForAssertion(() => Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=details-qr]").GetAttribute("src")));
        Assert.Contains("t.example", cut.Find("[data-testid=details-referrers]").TextContent);
        Assert.Contains("Phone or tablet", cut.Find("[data-testid=details-devices]").TextContent);
        Assert.Equal($"links/short/{created.Value!.Id}/qr.svg", cut.Find("[data-testid=qr-svg]").GetAttribute("href"));

        var stranger = await Factory.CreateUserAsync(100);
        var theirs = await Factory.Services.GetRequiredService<LinkCommands>().CreateShortLinkAsync(
            Portal.Features.Billing.BillingCaller.FromPortal(stranger.Id), "https://example.com/t", [], CancellationToken.None);
        var other = Ctx.Render<ShortLinkDetailsPage>(p => p.Add(x => x.Id, theirs.Value!.Id));
        other.WaitForAssertion(() => Assert.NotEmpty(other.FindAll("[data-testid=link-not-found]")));
    }

    [Fact]
    public void StateAndDeviceLabels_HaveZhCnTranslations()
    {
        UseCulture("zh-CN");
        var l = Factory.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var keys = Enum.GetValues<ShortLinkState>().Select(ShortLinksPage.StateKey)
            .Concat(Enum.GetValues<VisitorDevice>().Select(ShortLinkDetailsPage.DeviceKey)).Append("Disabled by an administrator");
        Assert.All(keys, k => Assert.NotEqual(k, l[k].Value));
    }
}
