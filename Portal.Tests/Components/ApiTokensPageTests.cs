using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;

namespace Portal.Tests.Components;

public sealed class ApiTokensPageTests : PortalComponentTest
{
    [Fact]
    public async Task Create_ValidName_ShowsSecretOnceThenOnlyPrefixAndLast4()
    {
        UseCulture("en");
        await SignInAsync();
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));

        cut.Find("input[data-testid=token-name]").Input("ci server");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Create token").HasAttribute("disabled")));
        Button(cut, "Create token").Click();

        // Shown once: in the alert, with a copy button, and it is the token Portal stored the hash of.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=new-token-alert]")));
        var secret = cut.Find("[data-testid=new-token-alert] input").GetAttribute("value");
        Assert.NotNull(secret);
        Assert.StartsWith("wxp_", secret);
        Assert.NotEmpty(cut.FindAll("[data-testid=new-token-alert] [data-testid=copy-button]"));
        await using (var db = await Factory.DbAsync())
        {
            var stored = await db.ApiTokens.SingleAsync(t => t.UserId == User.Id);
            Assert.Equal(ApiTokenFormat.Hash(secret), stored.Hash);
            Assert.Equal("ci server", stored.Name);
        }
        var display = $"{secret[..ApiTokenFormat.DisplayPrefixLength]}…{secret[^4..]}";
        cut.WaitForAssertion(() => Assert.Equal(display, cut.Find("[data-testid=token-display]").TextContent));

        // Dismissed: gone from the page; only prefix…last4 remains.
        Button(cut, "I have copied it").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=new-token-alert]")));
        Assert.DoesNotContain(secret, cut.Markup);
        Assert.Equal(display, cut.Find("[data-testid=token-display]").TextContent);

        // A fresh render (a reload) never shows it again either.
        await Ctx.DisposeComponentsAsync();
        var again = RenderPage<ApiTokensPage>();
        again.WaitForAssertion(() => Assert.Equal(display, again.Find("[data-testid=token-display]").TextContent));
        Assert.DoesNotContain(secret, again.Markup);
        Assert.Empty(again.FindAll("[data-testid=new-token-alert]"));
    }

    [Fact]
    public async Task Render_NoName_CreateButtonDisabledAndNothingIssued()
    {
        UseCulture("en");
        await SignInAsync();
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));

        cut.Find("input[data-testid=token-name]").Input("x");
        cut.Find("input[data-testid=token-name]").Input("");

        cut.WaitForAssertion(() => Assert.True(Button(cut, "Create token").HasAttribute("disabled")));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.ApiTokens.AnyAsync(t => t.UserId == User.Id));
    }
}
