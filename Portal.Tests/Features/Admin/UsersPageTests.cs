using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Admin;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Admin;

public sealed class UsersPageTests : PortalComponentTest
{
    [Fact]
    public async Task AdjustBalance_DebitBelowZero_ShowsErrorAndKeepsBalance()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var customer = await Factory.CreateUserAsync(balanceFen: 100, email: $"zz-{Guid.NewGuid():N}@example.com");
        var cut = RenderPage<UsersPage>();
        await InputAsync(cut, "input[aria-label='Search by e-mail']", customer.Email);
        // Wait for exactly the customer's row: while loading, MudTable shows a one-row placeholder that is also "single".
        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=users-table] tbody tr");
            Assert.Single(rows);
            Assert.Contains(customer.Email, rows[0].TextContent);
        });
        Assert.Equal("¥1.00", cut.Find("[data-testid=user-balance]").TextContent);

        await ClickAsync(cut, "Adjust balance");
        var host = Host;
        host.WaitForAssertion(() => Assert.NotEmpty(host.FindAll("input[data-testid=adjust-amount]")));
        await InputAsync(host, "input[data-testid=adjust-amount]", "-1.50");
        await InputAsync(host, "textarea[data-testid=adjust-reason]", "refund of a mistaken top-up");
        host.WaitForAssertion(() => Assert.False(Button(host, "Apply").HasAttribute("disabled")));
        await ClickAsync(host, "Apply");

        host.WaitForAssertion(() => Assert.Contains("below zero", host.Find("[data-testid=adjust-error]").TextContent));
        Assert.Equal(100, (await Factory.MoneyOfAsync(customer.Id)).Balance);

        await InputAsync(host, "input[data-testid=adjust-amount]", "-0.40");
        await ClickAsync(host, "Apply");
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("input[data-testid=adjust-amount]")));
        Assert.Equal(60, (await Factory.MoneyOfAsync(customer.Id)).Balance);
        cut.WaitForAssertion(() => Assert.Equal("¥0.60", cut.Find("[data-testid=user-balance]").TextContent));
        await Factory.AssertLedgerInvariantsAsync();
        // The refused debit left no trace in the audit log; the applied one did, with who, before and after.
        var (audit, total) = await Factory.Services.GetRequiredService<AdminAuditLog>().ListAsync(AdminActions.BalanceAdjust, customer.Email, 0, 10);
        Assert.Equal(1, total);
        Assert.Equal((User.Email, customer.Email, "1.00", "0.60", "refund of a mistaken top-up"),
            (audit[0].Actor, audit[0].Target, audit[0].Before, audit[0].After, audit[0].Detail));
    }

    [Fact]
    public async Task Lock_Confirmed_LocksUserAndUnlockReleases()
    {
        UseCulture("en");
        await SignInAsync(role: Roles.Admin);
        var customer = await Factory.CreateUserAsync(email: $"zz-{Guid.NewGuid():N}@example.com");
        var cut = RenderPage<UsersPage>();
        await InputAsync(cut, "input[aria-label='Search by e-mail']", customer.Email);
        // Wait for exactly the customer's row: while loading, MudTable shows a one-row placeholder that is also "single".
        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("[data-testid=users-table] tbody tr");
            Assert.Single(rows);
            Assert.Contains(customer.Email, rows[0].TextContent);
        });

        await ClickAsync(cut, "Lock");
        Host.WaitForAssertion(() => Assert.Contains("Lock user?", Host.Markup));
        await ClickAsync(Host, "Lock", ".mud-dialog-actions");

        cut.WaitForAssertion(() => Assert.Contains("Locked", cut.Find("[data-testid=users-table] tbody").TextContent));
        Assert.True(await IsSuspendedAsync(customer.Id));

        await ClickAsync(cut, "Unlock");
        cut.WaitForAssertion(() => Assert.Contains("Active", cut.Find("[data-testid=users-table] tbody").TextContent));
        Assert.False(await IsSuspendedAsync(customer.Id));
    }

    private async Task<bool> IsSuspendedAsync(string userId)
    {
        await using var scope = Factory.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByIdAsync(userId))!.SuspendedAt is not null;
    }
}
