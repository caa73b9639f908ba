using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

public sealed class MiniProgramLinksPageTests : PortalComponentTest
{
    [Fact]
    public async Task CreateThenDecode_ValidInput_ShowsLinkLandingPageAndDecodedTarget()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<MiniProgramLinksPage>();
        cut.WaitForAssertion(() => Assert.Contains("No mini-program links yet", cut.Markup));

        await InputAsync(cut, "input[data-testid=mp-appid]", "wx0123456789abcdef");
        await InputAsync(cut, "input[data-testid=mp-pagepath]", "/pages/index/index?id=7");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Create link").HasAttribute("disabled")));
        await ClickAsync(cut, "Create link");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=mp-link]")));
        await using (var db = await Factory.DbAsync())
        {
            var link = await db.MiniProgramLinks.SingleAsync(l => l.UserId == User.Id);
            Assert.Equal("pages/index/index?id=7", link.PagePath);
            Assert.Equal($"mp://{link.Code}", cut.Find("[data-testid=mp-link]").TextContent);
            Assert.Contains($"http://localhost/m/{link.Code}", cut.Find("[data-testid=mp-result]").TextContent);
            cut.WaitForAssertion(() => Assert.Contains($"mp://{link.Code}", cut.Find("[data-testid=mp-table]").TextContent));

            await InputAsync(cut, "input[data-testid=mp-decode-input]", $"mp://{link.Code}");
        }
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Decode").HasAttribute("disabled")));
        await ClickAsync(cut, "Decode");

        cut.WaitForAssertion(() => Assert.Contains("pages/index/index?id=7", cut.Find("[data-testid=mp-decoded]").TextContent));
        Assert.Equal(80, (await Factory.MoneyOfAsync(User.Id)).Balance);
        await Factory.AssertLedgerInvariantsAsync();
    }

    [Fact]
    public async Task Create_PathOverTheLimit_KeepsEveryCharacterShowsTheLimitAndBillsNothing()
    {
        UseCulture("zh-CN");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<MiniProgramLinksPage>();
        var path = "/" + new string('p', 2020); // 2,021 characters, over the API's 1,024

        Assert.True(int.Parse(cut.Find("input[data-testid=mp-pagepath]").GetAttribute("maxlength") ?? "2147483647") > path.Length);
        await InputAsync(cut, "input[data-testid=mp-appid]", "wx0123456789abcdef");
        await InputAsync(cut, "input[data-testid=mp-pagepath]", path);

        cut.WaitForAssertion(() => Assert.Contains("页面路径过长（上限 1024 个字符）", cut.Markup));
        Assert.DoesNotContain("pagepath", string.Concat(cut.Nodes.Select(n => n.TextContent)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(path, cut.Find("input[data-testid=mp-pagepath]").GetAttribute("value"));
        Assert.True(cut.FindAll("button").Single(b => b.TextContent.Contains("生成链接")).HasAttribute("disabled"));
        Assert.Equal((100, 100, 1), await Factory.MoneyOfAsync(User.Id));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.MiniProgramLinks.AnyAsync(l => l.UserId == User.Id));
    }

    [Fact]
    public async Task Create_MalformedAppId_ShowsErrorAndDoesNotBill()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<MiniProgramLinksPage>();

        await InputAsync(cut, "input[data-testid=mp-appid]", "wx123");

        cut.WaitForAssertion(() => Assert.Contains("followed by 16 hexadecimal digits", cut.Markup));
        Assert.True(Button(cut, "Create link").HasAttribute("disabled"));
        Assert.Equal(100, (await Factory.MoneyOfAsync(User.Id)).Balance);
    }
}
