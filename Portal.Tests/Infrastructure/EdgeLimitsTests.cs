using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure;

/// <summary>Limits beyond one token's bucket: a user's tokens together, the account forms and public pages per IP, and live tokens per user.</summary>
public sealed class EdgeLimitsTests : IDisposable
{
    private readonly PortalFactory _factory = new()
    {
        Settings =
        {
            ["RateLimiting:PermitsPerSecond"] = "1", ["RateLimiting:Burst"] = "40",
            ["RateLimiting:UserPermitsPerSecond"] = "1", ["RateLimiting:UserBurst"] = "40",
            ["RateLimiting:AccountFormsPerMinute"] = "3",
            ["RateLimiting:PublicPermitsPerSecond"] = "1", ["RateLimiting:PublicBurst"] = "5",
            ["ApiTokens:MaxLivePerUser"] = "5",
        },
    };

    [Fact]
    public async Task FiveTokensOfOneUser_TogetherGetOnlyTheUsersBurst()
    {
        var user = await _factory.CreateUserAsync(10_000);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 5; i++) clients.Add(_factory.ApiClient(await _factory.IssueTokenAsync(user, $"t{i}")));

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            clients[i % 5].PostAsJsonAsync("/generate-shortlink", new { longUrl = $"https://example.com/{i}" })));

        var served = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.InRange(served, 40, 42); // the user's burst, plus what one second may replenish
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(429, (int)r.StatusCode));
        Assert.Equal(10_000 - 10 * served, (await _factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task AccountForms_FromOneIp_LimitedWithAPlainPageAndRetryAfter()
    {
        var client = _factory.BrowserClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await client.LogInAsync($"someone-{i}@example.com", "Wrong-Passw0rd!");
            statuses.Add(response.StatusCode);
            if ((int)response.StatusCode == 429) refused ??= response;
        }

        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(refused);
        Assert.NotNull(refused!.Headers.RetryAfter);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PublicPages_FromOneIp_LimitedAfterTheBurst()
    {
        var client = _factory.ApiClient(null);
        var statuses = new List<int>();
        for (var i = 0; i < 8; i++) statuses.Add((int)(await client.GetAsync("/s/zzzzzzz")).StatusCode);

        Assert.Equal(5, statuses.Count(s => s == 404));
        Assert.Contains(429, statuses);
    }

    [Fact]
    public async Task LiveTokens_CappedPerUser_RevokingOneFreesASlot()
    {
        var user = await _factory.CreateUserAsync();
        var tokens = _factory.Services.GetRequiredService<ApiTokenService>();
        var issued = new List<IssuedApiToken>();
        for (var i = 0; i < 5; i++) issued.Add(await tokens.IssueAsync(user.Id, $"t{i}", null));

        var refused = await Assert.ThrowsAsync<TooManyTokensException>(() => tokens.IssueAsync(user.Id, "one too many", null));
        Assert.Equal(5, refused.Limit);

        Assert.True(await tokens.RevokeAsync(user.Id, issued[0].Token.Id));
        Assert.NotNull(await tokens.IssueAsync(user.Id, "after revoking", null));
    }

    public void Dispose() => _factory.Dispose();
}
