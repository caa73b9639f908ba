using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure;

[Trait("Category", "Money")]
public sealed class IdempotencyTests : IClassFixture<PortalFactory>
{
    private readonly PortalFactory _factory;

    public IdempotencyTests(PortalFactory factory) => _factory = factory;

    private static HttpRequestMessage ShortLink(string key, string url) => new(HttpMethod.Post, "/generate-shortlink")
    {
        Content = JsonContent.Create(new { longUrl = url }),
        Headers = { { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task SameKeySameBody_Sequential_ReplaysWithoutSecondDebit()
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));

        var first = await client.SendAsync(ShortLink("order-1", "https://example.com/a"));
        var second = await client.SendAsync(ShortLink("order-1", "https://example.com/a"));

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        var money = await _factory.MoneyOfAsync(user.Id);
        Assert.Equal(90, money.Balance);
        Assert.Equal(money.Balance, money.LedgerSum);
        await using var db = await _factory.DbAsync();
        Assert.Equal(1, await db.Charges.CountAsync(c => c.UserId == user.Id));
        Assert.Equal(1, await db.ShortLinks.CountAsync(l => l.UserId == user.Id));
    }

    [Fact]
    public async Task SameKey_DifferentBody_Returns422AndDoesNotDebit()
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        await client.SendAsync(ShortLink("k", "https://example.com/a"));

        var conflict = await client.SendAsync(ShortLink("k", "https://example.com/b"));

        Assert.Equal(422, (int)conflict.StatusCode);
        var body = await conflict.ReadJsonAsync();
        Assert.Equal(422, body.GetProperty("code").GetInt32());
        Assert.Equal("0.90", body.GetProperty("current_balance").GetString());
        Assert.Equal(90, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task SameKey_Concurrent_ExactlyOneDebitAndNoConflictingOutcomes()
    {
        var user = await _factory.CreateUserAsync(1000);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.SendAsync(ShortLink("burst", "https://example.com/c"))));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is 200 or 409, $"unexpected {s}"));
        Assert.Contains(200, statuses);
        var bodies = await Task.WhenAll(responses.Where(r => (int)r.StatusCode == 200).Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(990, (await _factory.MoneyOfAsync(user.Id)).Balance);
        await using var db = await _factory.DbAsync();
        Assert.Equal(1, await db.Charges.CountAsync(c => c.UserId == user.Id && c.Status == ChargeStatus.Succeeded));
    }

    [Fact]
    public async Task KeyScopedToToken_OtherTokenSameKey_IsIndependent()
    {
        var user = await _factory.CreateUserAsync(100);
        var a = _factory.ApiClient(await _factory.IssueTokenAsync(user, "a"));
        var b = _factory.ApiClient(await _factory.IssueTokenAsync(user, "b"));

        Assert.Equal(200, (int)(await a.SendAsync(ShortLink("shared", "https://example.com/x"))).StatusCode);
        Assert.Equal(200, (int)(await b.SendAsync(ShortLink("shared", "https://example.com/y"))).StatusCode);
        Assert.Equal(80, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task KeyTooLong_Returns400InEnvelope_NoDebit()
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));

        var response = await client.SendAsync(ShortLink(new string('k', 256), "https://example.com/a"));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(400, (await response.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Equal(100, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task RejectedRequest_ReleasesKey_SoACorrectedRetryRuns()
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        var bad = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = JsonContent.Create(new { longUrl = "ftp://x" }), Headers = { { "Idempotency-Key", "fix-me" } } };

        Assert.Equal(400, (int)(await client.SendAsync(bad)).StatusCode);
        var retry = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = JsonContent.Create(new { longUrl = "ftp://x" }), Headers = { { "Idempotency-Key", "fix-me" } } };
        var again = await client.SendAsync(retry);

        Assert.Equal(400, (int)again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(100, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }
}
