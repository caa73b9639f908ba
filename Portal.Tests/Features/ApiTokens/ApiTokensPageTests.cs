using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.ApiTokens;

public sealed class ApiTokensPageTests : PortalComponentTest
{
    [Fact]
    public async Task Create_ValidName_ShowsSecretOnceThenOnlyPrefixAndLast4()
    {
        UseCulture("en");
        await SignInAsync();
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));

        await InputAsync(cut, "input[data-testid=token-name]", "ci server");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Create token").HasAttribute("disabled")));
        await ClickAsync(cut, "Create token");

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
        await ClickAsync(cut, "I have copied it");
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

        await InputAsync(cut, "input[data-testid=token-name]", "x");
        await InputAsync(cut, "input[data-testid=token-name]", "");

        cut.WaitForAssertion(() => Assert.True(Button(cut, "Create token").HasAttribute("disabled")));
        await using var db = await Factory.DbAsync();
        Assert.False(await db.ApiTokens.AnyAsync(t => t.UserId == User.Id));
    }

    [Fact]
    public async Task Revoke_Confirmed_MarksTokenRevokedAndHidesRevokeButton()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "old key");
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("Active", cut.Find("[data-testid=token-table]").TextContent));

        await cut.InvokeAsync(() => cut.Find("button[aria-label='Revoke old key']").Click());
        Host.WaitForAssertion(() => Assert.Contains("Revoke token?", Host.Markup));
        await ClickAsync(Host, "Revoke", ".mud-dialog-actions");

        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("[data-testid=token-table]").TextContent));
        Assert.Empty(cut.FindAll("button[aria-label='Revoke old key']"));
        await using var db = await Factory.DbAsync();
        Assert.NotNull((await db.ApiTokens.SingleAsync(t => t.UserId == User.Id)).RevokedAt);
    }

    [Fact]
    public async Task Revoke_Cancelled_KeepsTokenActive()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "keep me");
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[aria-label='Revoke keep me']")));

        await cut.InvokeAsync(() => cut.Find("button[aria-label='Revoke keep me']").Click());
        Host.WaitForAssertion(() => Assert.Contains("Revoke token?", Host.Markup));
        await ClickAsync(Host, "Cancel", ".mud-dialog-actions");

        Host.WaitForAssertion(() => Assert.DoesNotContain("Revoke token?", Host.Markup));
        await using var db = await Factory.DbAsync();
        Assert.Null((await db.ApiTokens.SingleAsync(t => t.UserId == User.Id)).RevokedAt);
    }
}
