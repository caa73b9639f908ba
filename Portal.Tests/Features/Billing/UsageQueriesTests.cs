using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Shared;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>The dashboard's usage figures, grouped by the database per China Standard Time day, product and status.</summary>
public sealed class UsageQueriesTests : IDisposable
{
    private readonly FakeClockPortalFactory _factory = new();

    [Fact]
    public async Task Get_ChargesAroundMidnightCst_FallOnTheirLocalDaysPerProductAndStatus()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 1000);
        var other = await _factory.CreateUserAsync(balanceFen: 1000);
        var ledger = _factory.Services.GetRequiredService<BillingLedger>();
        var clock = _factory.Clock;

        await DebitAsync(ledger, user.Id, BillableProducts.ShortLinkCreate); // far outside the 30 days
        var d = UiFormat.Today(clock.GetUtcNow()).AddDays(33);
        clock.SetUtcNow(UiFormat.StartOfDay(d).AddMinutes(-1)); // 23:59 CST the day before d
        await DebitAsync(ledger, user.Id, BillableProducts.ShortLinkCreate);
        clock.SetUtcNow(UiFormat.StartOfDay(d).AddMinutes(1)); // 00:01 CST on d
        await DebitAsync(ledger, user.Id, BillableProducts.MiniProgramLinkDecode);
        var failed = await ledger.DebitAsync(new DebitRequest(user.Id, BillableProducts.QrCodeGenerate, "req-" + Guid.NewGuid().ToString("N")));
        Assert.True((await ledger.RefundAsync(failed.ChargeId, "upstream failed", userId: user.Id)).Refunded);
        await DebitAsync(ledger, other.Id, BillableProducts.ShortLinkCreate);
        clock.SetUtcNow(UiFormat.StartOfDay(d.AddDays(4)).AddHours(10)); // today = d + 4
        await DebitAsync(ledger, user.Id, BillableProducts.ShortLinkCreate);
        var pending = await ledger.DebitAsync(new DebitRequest(user.Id, BillableProducts.QrCodeGenerate, "req-" + Guid.NewGuid().ToString("N")));
        Assert.True(pending.Succeeded);

        var mine = await _factory.Services.GetRequiredService<UsageQueries>().GetAsync(user.Id, 30);

        Assert.Equal(30, mine.Days.Count);
        Assert.Equal(d.AddDays(4), mine.Today.Day);
        Assert.Equal(d.AddDays(4 - 29), mine.Days[0].Day);
        var before = mine.Days.Single(x => x.Day == d.AddDays(-1));
        var onD = mine.Days.Single(x => x.Day == d);
        Assert.Equal((1L, 0L, 0L, 10L), (before.Succeeded, before.Refunded, before.Pending, before.SpendFen));
        Assert.Equal((1L, 1L, 0L, 10L), (onD.Succeeded, onD.Refunded, onD.Pending, onD.SpendFen));
        Assert.Equal((1L, 0L, 1L, 20L), (mine.Today.Succeeded, mine.Today.Refunded, mine.Today.Pending, mine.Today.SpendFen));
        Assert.Equal(5, mine.TotalCalls); // the first charge is older than 30 days, the other user's is not mine
        Assert.Equal(40, mine.TotalSpendFen);
        var shortLinks = mine.Products.Single(p => p.Product == BillableProducts.ShortLinkCreate);
        Assert.Equal((2L, 0L, 20L), (shortLinks.Calls, shortLinks.Refunded, shortLinks.SpendFen));
        Assert.Equal(1, shortLinks.PerDay[^1]);
        var codes = mine.Products.Single(p => p.Product == BillableProducts.QrCodeGenerate);
        Assert.Equal((2L, 1L, 10L), (codes.Calls, codes.Refunded, codes.SpendFen));

        var site = await _factory.Services.GetRequiredService<UsageQueries>().GetAsync(null, 30);
        Assert.Equal(6, site.TotalCalls);
        Assert.Equal(2, site.Days.Single(x => x.Day == d).Succeeded);
    }

    [Fact]
    public async Task Get_NoCalls_AllDaysZero()
    {
        var user = await _factory.CreateUserAsync(balanceFen: 100);

        var report = await _factory.Services.GetRequiredService<UsageQueries>().GetAsync(user.Id, 7);

        Assert.Equal(7, report.Days.Count);
        Assert.All(report.Days, x => Assert.Equal(0, x.Calls));
        Assert.Empty(report.Products);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _factory.Services.GetRequiredService<UsageQueries>().GetAsync(user.Id, 0));
    }

    private static async Task DebitAsync(BillingLedger ledger, string userId, string product) =>
        Assert.True((await ledger.DebitAsync(new DebitRequest(userId, product, "req-" + Guid.NewGuid().ToString("N"), Settled: true))).Succeeded);

    public void Dispose() => _factory.Dispose();
}
