using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>The over-spend race (docs/money.md I1): fund exactly M calls, fire N ≫ M concurrent billed requests through the real HTTP stack.</summary>
[Trait("Category", TestCategories.Money)]
public sealed class OverSpendRaceTests(PortalFactory factory, ITestOutputHelper output) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task GenerateShortLink_64ConcurrentCallsFundedFor10_Exactly10SucceedRest402BalanceZero()
    {
        await RunRaceAsync(calls: 64, funded: 10, context: "N=64 M=10");
    }

    [Fact]
    public async Task BilledRoutes_RandomNAndM_ExactlyMSucceed()
    {
        var seed = TestSeed.Next();
        var random = new Random(seed);
        output.WriteLine(TestSeed.Describe(seed));
        for (var iteration = 0; iteration < 4; iteration++)
        {
            var funded = random.Next(0, 13);
            // At least one call past the funding (and never zero calls, which has nothing to race).
            var calls = random.Next(funded + 1, funded + 30);
            await RunRaceAsync(calls, funded, $"seed={seed} iteration={iteration} N={calls} M={funded}", random.Next(3));
        }
    }

    private async Task RunRaceAsync(int calls, int funded, string context, int routeChoice = 0)
    {
        var user = await factory.CreateUserAsync(funded * BillableProducts.DefaultPriceFen);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));
        string? link = null;
        if (routeChoice == 2)
        {
            // Decoding needs an existing link: create it with a top-up of exactly its price, so the funding stays M calls.
            var topUp = await factory.Services.GetRequiredService<BillingLedger>().AdjustAsync("test-admin", user.Id, BillableProducts.DefaultPriceFen, "fund the link to decode");
            Assert.True(topUp.Succeeded);
            var created = await client.PostAsync("/generate-miniprogram-link", new { appid = "wx6b698b0251caccff", pagepath = "pages/index/index" });
            Assert.True(created.Status == 200, context);
            link = created.Body.GetProperty("miniprogram_link").GetString();
        }
        var (route, body) = routeChoice switch
        {
            0 => ("/generate-shortlink", (object)new { longUrl = "https://example.com/race" }),
            1 => ("/generate-miniprogram-link", new { appid = "wx6b698b0251caccff", pagepath = "pages/index/index" }),
            _ => ("/decode-link", new { link }),
        };
        var before = (await factory.ChargesOfAsync(user.Id)).Count;

        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, calls).Select(async _ =>
        {
            await start.WaitAsync();
            return await client.PostAsync(route, body);
        }).ToList();
        start.Release(calls);
        var responses = await Task.WhenAll(tasks);

        Assert.True(funded == responses.Count(r => r.Status == 200), $"{context} route={route}: 200s = {responses.Count(r => r.Status == 200)}");
        Assert.True(calls - funded == responses.Count(r => r.Status == 402), $"{context} route={route}: 402s = {responses.Count(r => r.Status == 402)}");
        Assert.All(responses.Where(r => r.Status == 402), r => Assert.Equal("0.00", r.Body.GetProperty("current_balance").GetString()));
        Assert.Equal(funded, responses.Where(r => r.Status == 200).Select(r => r.Body.GetProperty("current_balance").GetString()).Distinct().Count());
        var (balance, sum, _) = await factory.MoneyOfAsync(user.Id);
        Assert.True(balance == 0, $"{context}: balance {balance}");
        Assert.Equal(balance, sum);
        var charges = (await factory.ChargesOfAsync(user.Id)).Skip(before).ToList();
        Assert.True(funded == charges.Count, $"{context}: {charges.Count} charges");
        Assert.All(charges, c => Assert.Equal(ChargeStatus.Succeeded, c.Status));
        Assert.True(funded == (await factory.LedgerOfAsync(user.Id)).Count(e => e.Kind == LedgerEntryKind.Charge) - before, context);
        await factory.AssertLedgerInvariantsAsync();
    }
}
