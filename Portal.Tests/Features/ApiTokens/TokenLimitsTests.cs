using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.ApiTokens;

[Trait("Category", "Money")]
public sealed class TokenLimitsTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _factory;

    public TokenLimitsTests(PortalFactory factory) => _factory = factory;

    [Fact]
    public async Task DailyCap_ConcurrentCalls_NeverOvershootAnd402SaysCap()
    {
        var user = await _factory.CreateUserAsync(1000);
        var issued = await _factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "capped", null, default, dailySpendCapFen: 30);
        var client = _factory.ApiClient(issued.Secret);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{i}" })));

        Assert.Equal(3, responses.Count(r => (int)r.StatusCode == 200));
        var refused = responses.Where(r => (int)r.StatusCode == 402).ToList();
        Assert.Equal(9, refused.Count);
        var body = await refused[0].ReadJsonAsync();
        Assert.Contains("每日消费上限", body.GetProperty("msg").GetString());
        Assert.Equal("9.70", body.GetProperty("current_balance").GetString());
        var money = await _factory.MoneyOfAsync(user.Id);
        Assert.Equal(970, money.Balance);
        Assert.Equal(money.Balance, money.LedgerSum);
    }

    [Fact]
    public async Task DailyCap_RefundedCall_GivesItsAmountBack()
    {
        var user = await _factory.CreateUserAsync(1000);
        var issued = await _factory.Services.GetRequiredService<ApiTokenService>().IssueAsync(user.Id, "capped", null, default, dailySpendCapFen: 10);
        await using var scope = _factory.Scope();
        var flow = scope.ServiceProvider.GetRequiredService<ChargeFlow>();
        DebitRequest Request() => new(user.Id, BillableProducts.ShortLinkCreate, Guid.NewGuid().ToString("N"), issued.Token.Id);

        var failed = await flow.RunAsync(Request(), _ => Task.FromResult(WorkResult<int>.Fail(WorkFailureKind.Upstream, "boom")), default);
        var succeeded = await flow.RunAsync(Request(), _ => Task.FromResult(WorkResult<int>.Ok(1)), default);
        var capped = await flow.RunAsync(Request(), _ => Task.FromResult(WorkResult<int>.Ok(1)), default);

        Assert.Equal(BilledStatus.UpstreamError, failed.Status);
        Assert.Equal(BilledStatus.Succeeded, succeeded.Status);
        Assert.Equal(BilledStatus.InsufficientFunds, capped.Status);
        Assert.Equal(990, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task IpAllowList_CallerNotListed_Gets401_UnlistedTokenStillWorks()
    {
        var user = await _factory.CreateUserAsync(100);
        var tokens = _factory.Services.GetRequiredService<ApiTokenService>();
        var restricted = await tokens.IssueAsync(user.Id, "office only", null, default, allowedIps: "203.0.113.7, 198.51.100.0/24");
        var open = await tokens.IssueAsync(user.Id, "anywhere", null);

        var denied = await _factory.ApiClient(restricted.Secret).PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/x" });
        var allowed = await _factory.ApiClient(open.Secret).PostAsJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/x" });

        Assert.Equal(401, (int)denied.StatusCode);
        Assert.Equal(200, (int)allowed.StatusCode);
        Assert.Equal(90, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("2001:db8::/32", "2001:db8::1", true)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("203.0.113.7", null, false)]
    [InlineData(null, null, true)]
    public void Allows_MatchesAddressesAndRanges(string? list, string? ip, bool expected) =>
        Assert.Equal(expected, ApiTokenIpAllowList.Allows(list, ip));

    [Fact]
    public void Normalize_BadEntry_NamesIt()
    {
        var (list, error) = ApiTokenIpAllowList.Normalize("203.0.113.7, not-an-ip");
        Assert.Null(list);
        Assert.Contains("not-an-ip", error);
        Assert.Equal("203.0.113.7,10.0.0.0/8", ApiTokenIpAllowList.Normalize(" 203.0.113.7 ;10.0.0.0/8 ").List);
    }
}
