using System.Text.RegularExpressions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.ApiTokens;

/// <summary>Tokens page: the curl example of a new token, renaming and editing limits, last use.</summary>
public sealed class ApiTokenEditTests : PortalComponentTest
{
    [Fact]
    public async Task Create_ShowsACurlExampleThatRunsAsIs()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("No tokens yet", cut.Markup));
        await InputAsync(cut, "input[data-testid=token-name]", "curl test");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Create token").HasAttribute("disabled")));
        await ClickAsync(cut, "Create token");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=new-token-curl]")));
        var secret = cut.Find("[data-testid=new-token-alert] input").GetAttribute("value")!;
        var curl = cut.Find("[data-testid=new-token-curl]").TextContent;
        Assert.Contains("curl -s -X POST http://localhost/generate-shortlink", curl);
        Assert.Contains($"Authorization: Bearer {secret}", curl);

        // The example's body, sent with its header, is a billed call that succeeds.
        var body = Regex.Match(curl, "-d '([^']*)'").Groups[1].Value;
        var client = Factory.ApiClient(secret);
        using var response = await client.PostAsync("/generate-shortlink", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(90, (await Factory.MoneyOfAsync(User.Id)).Balance);
    }

    [Fact]
    public async Task Edit_RenameCapAndAllowList_AreStoredShownAndEnforcedAtOnce()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var secret = await Factory.IssueTokenAsync(User, "old name");
        var api = Factory.ApiClient(secret);
        Assert.Equal(200, (await api.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/1" })).Status);
        await Factory.FlushCountersAsync();
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("old name", cut.Find("[data-testid=token-table]").TextContent));
        Assert.DoesNotContain("Never", cut.Find("[data-testid=token-last-used]").TextContent); // last use recorded

        await cut.InvokeAsync(() => cut.Find("button[data-testid=token-edit]").Click());
        Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll("input[data-testid=edit-token-name]")));
        await InputAsync(Host, "input[data-testid=edit-token-name]", "deploy bot");
        await InputAsync(Host, "input[data-testid=edit-token-cap]", "0.20");
        await InputAsync(Host, "textarea[data-testid=edit-token-ips]", "203.0.113.7");
        Host.WaitForAssertion(() => Assert.False(Host.Find("button[data-testid=edit-token-save]").HasAttribute("disabled")));
        await Host.InvokeAsync(() => Host.Find("button[data-testid=edit-token-save]").Click());

        cut.WaitForAssertion(() => Assert.Contains("deploy bot", cut.Find("[data-testid=token-table]").TextContent));
        Assert.Equal("¥0.20", cut.Find("[data-testid=token-cap]").TextContent.Trim());
        await using (var db = await Factory.DbAsync())
        {
            var stored = await db.ApiTokens.SingleAsync(t => t.UserId == User.Id);
            Assert.Equal(("deploy bot", 20L, "203.0.113.7"), (stored.Name, stored.DailySpendCapFen, stored.AllowedIps));
        }
        // The allow-list applies to the next call: the test client is not 203.0.113.7.
        Assert.Equal(401, (await api.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/2" })).Status);
    }

    [Fact]
    public async Task Edit_BadCapOrAddress_KeepsSaveDisabled()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "k");
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[data-testid=token-edit]")));
        await cut.InvokeAsync(() => cut.Find("button[data-testid=token-edit]").Click());
        Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll("input[data-testid=edit-token-cap]")));

        await InputAsync(Host, "input[data-testid=edit-token-cap]", "-1");
        Host.WaitForAssertion(() => Assert.Contains("A number with at most two decimals", Host.Markup));
        Host.WaitForAssertion(() => Assert.True(Host.Find("button[data-testid=edit-token-save]").HasAttribute("disabled")));

        await InputAsync(Host, "input[data-testid=edit-token-cap]", "");
        await InputAsync(Host, "textarea[data-testid=edit-token-ips]", "not-an-ip");
        Host.WaitForAssertion(() => Assert.Contains("Addresses or CIDR ranges separated by commas", Host.Markup));
        Host.WaitForAssertion(() => Assert.True(Host.Find("button[data-testid=edit-token-save]").HasAttribute("disabled")));
    }

    [Fact]
    public async Task Edit_AllowedOrigins_ValidatedAsYouType_StoredNormalised_AndShownInTheList()
    {
        UseCulture("en");
        await SignInAsync();
        await Factory.IssueTokenAsync(User, "h5");
        var cut = RenderPage<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[data-testid=token-edit]")));
        Assert.Empty(cut.FindAll("[data-testid=token-origins-icon]"));
        await cut.InvokeAsync(() => cut.Find("button[data-testid=token-edit]").Click());
        Host.WaitForAssertion(() => Assert.NotEmpty(Host.FindAll("textarea[data-testid=edit-token-origins]")));

        await InputAsync(Host, "textarea[data-testid=edit-token-origins]", "https://shop.example.com/checkout");
        Host.WaitForAssertion(() => Assert.Contains("Origins like https://shop.example.com", Host.Markup));
        Host.WaitForAssertion(() => Assert.True(Host.Find("button[data-testid=edit-token-save]").HasAttribute("disabled")));

        await InputAsync(Host, "textarea[data-testid=edit-token-origins]", "HTTPS://Shop.Example.com\nhttp://localhost:5173");
        Host.WaitForAssertion(() => Assert.False(Host.Find("button[data-testid=edit-token-save]").HasAttribute("disabled")));
        await Host.InvokeAsync(() => Host.Find("button[data-testid=edit-token-save]").Click());

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=token-origins-icon]")));
        await using var db = await Factory.DbAsync();
        var stored = await db.ApiTokens.SingleAsync(t => t.UserId == User.Id);
        Assert.Equal("https://shop.example.com,http://localhost:5173", stored.AllowedOrigins);
    }

    [Fact]
    public async Task Update_OthersOrRevokedToken_IsRefusedAndInvalidValuesThrow()
    {
        await SignInAsync();
        var other = await Factory.CreateUserAsync();
        var tokens = Factory.Services.GetRequiredService<ApiTokenService>();
        var mine = await tokens.IssueAsync(User.Id, "mine", null);
        var theirs = await tokens.IssueAsync(other.Id, "theirs", null);

        Assert.False(await tokens.UpdateAsync(User.Id, theirs.Token.Id, "hijack", null, null, null));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.UpdateAsync(User.Id, mine.Token.Id, "x", null, -1, null));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.UpdateAsync(User.Id, mine.Token.Id, "x", null, null, "nope"));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.UpdateAsync(User.Id, mine.Token.Id, " ", null, null, null));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.UpdateAsync(User.Id, mine.Token.Id, "x", DateTimeOffset.UtcNow.AddDays(-1), null, null));
        Assert.True(await tokens.RevokeAsync(User.Id, mine.Token.Id));
        Assert.False(await tokens.UpdateAsync(User.Id, mine.Token.Id, "renamed", null, null, null));
        Assert.Equal("theirs", (await tokens.ListAsync(other.Id)).Single().Name);
    }
}
