using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.ApiTokens;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.ApiTokens;

/// <summary>
/// Browser callers: a token may list web page origins (CORS). Preflights are answered only for listed origins; a call
/// from a page whose origin its token does not list is refused before any charge, in the route's own envelope.
/// </summary>
[Trait("Category", "Money")]
public sealed class TokenCorsTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Shop = "https://shop.example.com";

    private ApiTokenService Tokens => factory.Services.GetRequiredService<ApiTokenService>();

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        return request;
    }

    private static HttpRequestMessage Call(string path, string? origin, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Preflight_ListedOrigin_IsAllowedWithTheApiHeaders_UnlistedGetsNoAllowOrigin()
    {
        var user = await factory.CreateUserAsync(100);
        await Tokens.IssueAsync(user.Id, "h5 page", null, allowedOrigins: "https://SHOP.example.com:443/");
        var client = factory.ApiClient(null);

        using var listed = await client.SendAsync(Preflight("/generate-shortlink", Shop));
        using var unlisted = await client.SendAsync(Preflight("/generate-shortlink", "https://evil.example.net"));

        Assert.Equal(204, (int)listed.StatusCode);
        Assert.Equal(Shop, Header(listed, "Access-Control-Allow-Origin"));
        var allowedHeaders = Header(listed, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        Assert.Contains("authorization", allowedHeaders);
        Assert.Contains("idempotency-key", allowedHeaders);
        Assert.Null(Header(listed, "Access-Control-Allow-Credentials"));
        Assert.Null(Header(unlisted, "Access-Control-Allow-Origin"));
        Assert.Equal(100, (await factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task Call_FromListedOrigin_IsChargedAndReadable_FromAnotherOrigin_401AndNothingCharged()
    {
        var user = await factory.CreateUserAsync(100);
        var h5 = await Tokens.IssueAsync(user.Id, "h5 page", null, allowedOrigins: Shop);
        var server = await Tokens.IssueAsync(user.Id, "server", null);

        using var fromShop = await factory.ApiClient(h5.Secret).SendAsync(Call("/generate-shortlink", Shop, new { longUrl = "https://example.com/a" }));
        using var fromElsewhere = await factory.ApiClient(h5.Secret).SendAsync(Call("/generate-shortlink", "https://other.example.org", new { longUrl = "https://example.com/b" }));
        using var serverFromShop = await factory.ApiClient(server.Secret).SendAsync(Call("/generate-shortlink", Shop, new { longUrl = "https://example.com/c" }));
        using var serverToServer = await factory.ApiClient(server.Secret).SendAsync(Call("/generate-shortlink", null, new { longUrl = "https://example.com/d" }));

        Assert.Equal(200, (int)fromShop.StatusCode);
        Assert.Equal(Shop, Header(fromShop, "Access-Control-Allow-Origin"));
        Assert.Equal(401, (int)fromElsewhere.StatusCode);
        Assert.Equal(401, (int)serverFromShop.StatusCode);
        var refusal = await serverFromShop.ReadJsonAsync();
        Assert.Equal(401, refusal.GetProperty("code").GetInt32());
        Assert.Contains("Origin", refusal.GetProperty("msg").GetString());
        Assert.Equal(200, (int)serverToServer.StatusCode);
        var money = await factory.MoneyOfAsync(user.Id);
        Assert.Equal((80L, 80L), (money.Balance, money.LedgerSum));
    }

    [Fact]
    public async Task Call_FromPortalsOwnOrigin_NeedsNoListedOrigin()
    {
        var user = await factory.CreateUserAsync(100);
        var token = await Tokens.IssueAsync(user.Id, "docs try-it", null);

        using var response = await factory.ApiClient(token.Secret).SendAsync(Call("/generate-shortlink", "http://localhost", new { longUrl = "https://example.com/own" }));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(90, (await factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task Refusal_IsInTheRoutesOwnEnvelope_OnTheWxMiniFamily()
    {
        var user = await factory.CreateUserAsync(100);
        var token = await Tokens.IssueAsync(user.Id, "server", null);

        using var response = await factory.ApiClient(token.Secret).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/wx/mini/v1/wx0000000000000001/any-secret/code2Session?code=abc") { Headers = { { "Origin", Shop } } });

        Assert.Equal(401, (int)response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(100, (await factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Fact]
    public async Task RemovingAnOrigin_ClosesPreflightsAndCalls_AtOnce()
    {
        var user = await factory.CreateUserAsync(100);
        const string Site = "http://localhost:5173";
        var token = await Tokens.IssueAsync(user.Id, "dev page", null, allowedOrigins: Site);
        var client = factory.ApiClient(token.Secret);
        using (var before = await client.SendAsync(Preflight("/api/h5/qrcode/generate", Site)))
            Assert.Equal(Site, Header(before, "Access-Control-Allow-Origin"));

        Assert.True(await Tokens.UpdateAsync(user.Id, token.Token.Id, "dev page", null, null, null, allowedOrigins: null));

        using var after = await client.SendAsync(Preflight("/api/h5/qrcode/generate", Site));
        using var call = await client.SendAsync(Call("/generate-shortlink", Site, new { longUrl = "https://example.com/x" }));
        Assert.Null(Header(after, "Access-Control-Allow-Origin"));
        Assert.Equal(401, (int)call.StatusCode);
        Assert.Equal(100, (await factory.MoneyOfAsync(user.Id)).Balance);
    }

    [Theory]
    [InlineData("https://shop.example.com", "https://shop.example.com")]
    [InlineData("HTTPS://Shop.Example.com:443/", "https://shop.example.com")]
    [InlineData("http://localhost:5173", "http://localhost:5173")]
    [InlineData("http://127.0.0.1:80", "http://127.0.0.1")]
    [InlineData("https://例子.测试", "https://xn--fsqu00a.xn--0zwm56d")]
    [InlineData("https://shop.example.com/path", null)]
    [InlineData("https://shop.example.com?x=1", null)]
    [InlineData("https://user@shop.example.com", null)]
    [InlineData("https://*.example.com", null)]
    [InlineData("ftp://shop.example.com", null)]
    [InlineData("null", null)]
    [InlineData("shop.example.com", null)]
    public void NormalizeOrigin_KeepsSchemeHostPortOnly(string typed, string? expected) =>
        Assert.Equal(expected, ApiTokenOriginAllowList.NormalizeOrigin(typed));

    [Fact]
    public void Normalize_DeduplicatesAndNamesTheBadEntry()
    {
        Assert.Equal(("https://a.example,http://localhost:3000", (string?)null),
            ApiTokenOriginAllowList.Normalize("https://a.example\nhttps://A.example, http://localhost:3000"));
        Assert.Contains("'https://a.example/x'", ApiTokenOriginAllowList.Normalize("https://a.example/x").Error);
        Assert.Equal((null, null), ApiTokenOriginAllowList.Normalize("  "));
        Assert.NotNull(ApiTokenOriginAllowList.Normalize(string.Join(",", Enumerable.Range(0, 21).Select(i => $"https://s{i}.example"))).Error);
    }

    [Fact]
    public async Task Issue_BadOrigin_IsRefusedAndNothingStored()
    {
        var user = await factory.CreateUserAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Tokens.IssueAsync(user.Id, "bad", null, allowedOrigins: "https://a.example/path"));
        Assert.Empty(await Tokens.ListAsync(user.Id));
    }
}
