using Bunit;
using Portal.Features.Accounts;
using Portal.Features.Admin;

namespace Portal.Tests.Components;

public sealed class UsersPageTests : PortalComponentTest
{
    [Fact]
    public async Task AdjustBalance_DebitBelowZero_ShowsErrorAndKeepsBalance()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var customer = await Factory.CreateUserAsync(balanceFen: 100, email: $"zz-{Guid.NewGuid():N}@example.com");
        var cut = RenderPage<UsersPage>();
        cut.Find("input[aria-label='Search by e-mail']").Input(customer.Email);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=users-table] tbody tr")), TimeSpan.FromSeconds(5));
        Assert.Equal("¥1.00", cut.Find("[data-testid=user-balance]").TextContent);

        Button(cut, "Adjust balance").Click();
        var host = Host;
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("input[data-testid=adjust-amount]")));
        host.Find("input[data-testid=adjust-amount]").Input("-1.50");
        host.Find("textarea[data-testid=adjust-reason]").Input("refund of a mistaken top-up");
        host.WaitForAssertion(() => Assert.False(Button(host, "Apply").HasAttribute("disabled")));
        Button(host, "Apply").Click();

        host.WaitForAssertion(() => Assert.Contains("below zero", host.Find("[data-testid=adjust-error]").TextContent));
        Assert.Equal(100, (await Factory.MoneyOfAsync(customer.Id)).Balance);

        host.Find("input[data-testid=adjust-amount]").Input("-0.40");
        Button(host, "Apply").Click();
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("input[data-testid=adjust-amount]")));
        Assert.Equal(60, (await Factory.MoneyOfAsync(customer.Id)).Balance);
        cut.WaitForAssertion(() => Assert.Equal("¥0.60", cut.Find("[data-testid=user-balance]").TextContent));
        await Factory.AssertLedgerInvariantsAsync();
    }
}
