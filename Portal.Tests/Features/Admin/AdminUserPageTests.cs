using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

public sealed class AdminUserPageTests : PortalComponentTest
{
    [Fact]
    public async Task Open_User_ShowsBalanceLedgerTokensLinksAndTheirAuditEntries()
    {
        UseCulture("en");
        var target = await Factory.CreateUserAsync(balanceFen: 250);
        var bystander = await Factory.CreateUserAsync(balanceFen: 100);
        var tokens = Factory.Services.GetRequiredService<ApiTokenService>();
        var issued = await tokens.IssueAsync(target.Id, "deploy key", null);
        await tokens.IssueAsync(target.Id, "sandbox key", null, test: true);
        var url = "https://example.com/" + new string('p', 600);
        Assert.Equal(BilledStatus.Succeeded, (await Factory.Services.GetRequiredService<LinkCommands>()
            .CreateShortLinkAsync(BillingCaller.FromPortal(target.Id), url, [], CancellationToken.None)).Status);
        var audit = Factory.Services.GetRequiredService<AdminAuditLog>();
        await audit.RecordAsync("test-admin", AdminActions.BalanceAdjust, target.Email, "0.00", "2.50", "welcome credit");
        await audit.RecordAsync("test-admin", AdminActions.TokenRevoke, issued.Token.Display, detail: "deploy key");
        await audit.RecordAsync("test-admin", AdminActions.UserSuspend, bystander.Email);
        await SignInAsync(role: Roles.Admin);

        var cut = RenderPage<AdminUserPage>();
        await cut.InvokeAsync(() => cut.Render(p => p.Add(x => x.UserId, target.Id)));

        cut.WaitForAssertion(() => Assert.Equal(target.Email, cut.Find("[data-testid=admin-user-email]").TextContent));
        // The sections load on their own: wait for each before reading it.
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("¥2.40", cut.Find("[data-testid=admin-user-balance]").TextContent); // 2.50 less the short link
            Assert.Contains("test funding", cut.Find("[data-testid=admin-user-ledger]").TextContent);
            Assert.Contains("Create short link", cut.Find("[data-testid=admin-user-ledger]").TextContent);
            Assert.Contains("deploy key", cut.Find("[data-testid=admin-user-tokens]").TextContent);
            Assert.Contains(cut.FindAll("[data-testid=admin-user-links] [data-testid=truncated-text]"), e => e.GetAttribute("title") == url);
            Assert.Contains("Balance adjusted", cut.Find("[data-testid=admin-user-audit]").TextContent);
        });
        var auditText = cut.Find("[data-testid=admin-user-audit]").TextContent;
        Assert.Contains("Balance adjusted", auditText);
        Assert.Contains("API token revoked", auditText);
        Assert.DoesNotContain("User suspended", auditText); // about someone else
        Assert.Single(cut.FindAll("[data-testid=usage-mine]"));
        // The test-mode token is marked as such; the live one is not.
        var testRow = Assert.Single(cut.FindAll("[data-testid=admin-user-tokens] tbody tr"), r => r.QuerySelector("[data-testid=admin-token-test]") is not null);
        Assert.Contains("sandbox key", testRow.TextContent);
    }

    [Fact]
    public async Task Open_UnknownUser_SaysSo()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);

        var cut = RenderPage<AdminUserPage>();
        await cut.InvokeAsync(() => cut.Render(p => p.Add(x => x.UserId, "no-such-id")));

        cut.WaitForAssertion(() => Assert.Contains("No such user.", cut.Find("[data-testid=admin-user-missing]").TextContent));
    }

    [Fact]
    public async Task UsersPage_EachEmail_LinksToTheUsersPage()
    {
        UseCulture("en");
        var someone = await Factory.CreateUserAsync(balanceFen: 0);
        await SignInAsync(role: Roles.Admin);

        var cut = RenderPage<UsersPage>();

        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("a[data-testid=user-link]"), a => a.GetAttribute("href") == $"admin/users/{someone.Id}"));
    }
}
