using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

public sealed class ShortLinksPageTests : PortalComponentTest
{
    [Theory]
    [InlineData("javascript:alert(1)", "Enter a complete http or https address")]
    [InlineData("ftp://example.com/file", "Only http and https addresses can be shortened")]
    [InlineData("not a url", "Enter a complete http or https address")]
    [InlineData("http://localhost/s/abcdefg", "Links to this site itself cannot be shortened")]
    public async Task Type_BadUrl_ShowsValidationErrorAndDoesNotBill(string url, string expectedError)
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();

        await InputAsync(cut, "input[data-testid=long-url]", url);

        cut.WaitForAssertion(() => Assert.Contains(expectedError, cut.Markup));
        Assert.True(Button(cut, "Shorten").HasAttribute("disabled"));
        var (balance, ledgerSum, entries) = await Factory.MoneyOfAsync(User.Id);
        Assert.Equal(100, balance);
        Assert.Equal(100, ledgerSum);
        Assert.Equal(1, entries);
        await using var db = await Factory.DbAsync();
        Assert.False(await db.Charges.AnyAsync(c => c.UserId == User.Id));
        Assert.False(await db.ShortLinks.AnyAsync(l => l.UserId == User.Id));
    }

    [Theory]
    [InlineData("zh-CN", "网址过长（上限 2048 个字符）")]
    [InlineData("en", "The address is too long (at most 2048 characters)")]
    public async Task Type_UrlOverTheLimit_KeepsEveryCharacterShowsTheLimitAndBillsNothing(string culture, string expectedError)
    {
        UseCulture(culture);
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();
        var url = "https://example.com/" + new string('a', 3000); // 3,020 characters, over the API's 2,048

        // No maxlength below what was typed: a browser would otherwise cut the value silently and the form would bill the truncated URL.
        Assert.True(int.Parse(cut.Find("input[data-testid=long-url]").GetAttribute("maxlength") ?? "2147483647") > url.Length);
        await InputAsync(cut, "input[data-testid=long-url]", url);

        cut.WaitForAssertion(() => Assert.Contains(expectedError, cut.Markup));
        Assert.DoesNotContain("longUrl", string.Concat(cut.Nodes.Select(n => n.TextContent)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(url, cut.Find("input[data-testid=long-url]").GetAttribute("value"));
        Assert.True(cut.FindAll("button").Single(b => b.TextContent.Contains(culture == "en" ? "Shorten" : "生成短链")).HasAttribute("disabled"));
        await cut.Find("input[data-testid=long-url]").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Equal((100, 100, 1), await Factory.MoneyOfAsync(User.Id));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.ShortLinks.AnyAsync(l => l.UserId == User.Id));
    }

    [Fact]
    public async Task Submit_ValidUrl_ShowsShortUrlAndNewBalance()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ShortLinksPage>();
        cut.WaitForAssertion(() => Assert.Contains("No short links yet", cut.Markup));

        await InputAsync(cut, "input[data-testid=long-url]", "https://example.com/a/long/path?x=1");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Shorten").HasAttribute("disabled")));
        await ClickAsync(cut, "Shorten");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=short-url]")));
        await using var db = await Factory.DbAsync();
        var link = await db.ShortLinks.SingleAsync(l => l.UserId == User.Id);
        Assert.Equal("https://example.com/a/long/path?x=1", link.LongUrl);
        Assert.Equal($"http://localhost/s/{link.Code}", cut.Find("[data-testid=short-url]").TextContent.Trim());
        Assert.Equal("¥0.90", cut.Find("[data-testid=new-balance]").TextContent);
        Assert.Equal(90, (await Factory.MoneyOfAsync(User.Id)).Balance);
        // The list below shows the new link without a reload.
        cut.WaitForAssertion(() => Assert.Contains($"/s/{link.Code}", cut.Find("[data-testid=short-link-table]").TextContent));
        await Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Submit_BalanceBelowPrice_ShowsTopUpHintAndCreatesNothing()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 0);
        var cut = RenderPage<ShortLinksPage>();

        await InputAsync(cut, "input[data-testid=long-url]", "https://example.com/");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Shorten").HasAttribute("disabled")));
        await ClickAsync(cut, "Shorten");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=insufficient-funds]")));
        Assert.Single(cut.FindAll("[data-testid=insufficient-funds] a[href=topup]"));
        Assert.Empty(cut.FindAll("[data-testid=short-url]"));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.ShortLinks.AnyAsync(l => l.UserId == User.Id));
    }
}
