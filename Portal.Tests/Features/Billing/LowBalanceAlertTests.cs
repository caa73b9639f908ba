using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>The low-balance alert: one e-mail per crossing of the user's threshold, through a real local SMTP server.</summary>
public sealed class LowBalanceAlertTests
{
    [Fact]
    public async Task Job_BalanceCrossesBelowThreshold_MailsOncePerCrossingAndRearmsAbove()
    {
        await using var smtp = new FakeSmtpServer();
        using var factory = new PortalFactory();
        foreach (var (key, value) in smtp.Settings()) factory.Settings[key] = value;
        var user = await factory.CreateUserAsync(balanceFen: 100);
        var bystander = await factory.CreateUserAsync(balanceFen: 10); // no threshold: never alerted
        var ledger = factory.Services.GetRequiredService<BillingLedger>();
        var alerts = factory.Services.GetRequiredService<LowBalanceAlerts>();
        await alerts.SetThresholdFenAsync(user.Id, 50);
        Assert.Equal(50, await alerts.GetThresholdFenAsync(user.Id));

        Assert.Equal(0, await RunAsync(factory)); // 1.00 is not below 0.50
        Assert.True((await ledger.AdjustAsync("test-admin", user.Id, -60, "spent")).Succeeded);
        Assert.Equal(1, await RunAsync(factory));
        var mail = await smtp.WaitForAsync(user.Email);
        Assert.Contains("¥0.40", mail.TextBody);
        Assert.Contains("¥0.50", mail.TextBody);

        Assert.Equal(0, await RunAsync(factory)); // still below: no second mail for the same crossing
        Assert.Single(smtp.Messages);

        Assert.True((await ledger.AdjustAsync("test-admin", user.Id, 100, "top up")).Succeeded);
        Assert.Equal(0, await RunAsync(factory)); // back above: re-armed
        await using (var db = await factory.DbAsync())
            Assert.Null((await db.BalanceAlerts.SingleAsync(a => a.UserId == user.Id)).AlertedAt);
        Assert.True((await ledger.AdjustAsync("test-admin", user.Id, -120, "spent again")).Succeeded);
        Assert.Equal(1, await RunAsync(factory));
        Assert.Equal(2, smtp.Messages.Count);
        Assert.DoesNotContain(smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == bystander.Email));
    }

    [Fact]
    public async Task SetThreshold_OutOfRangeOrRemoved()
    {
        using var factory = new PortalFactory();
        var user = await factory.CreateUserAsync(balanceFen: 100);
        var alerts = factory.Services.GetRequiredService<LowBalanceAlerts>();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => alerts.SetThresholdFenAsync(user.Id, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => alerts.SetThresholdFenAsync(user.Id, Money.MaxAmountFen + 1));
        await alerts.SetThresholdFenAsync(user.Id, 500);
        await alerts.SetThresholdFenAsync(user.Id, null);
        Assert.Null(await alerts.GetThresholdFenAsync(user.Id));
        Assert.Equal(0, await RunAsync(factory)); // no mail configured and no threshold: nothing to do
    }

    private static async Task<int> RunAsync(PortalFactory factory)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<LowBalanceAlertJob>().RunAsync(CancellationToken.None);
    }
}
