using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing;
using Portal.Tests.TestInfrastructure;
using static Portal.Tests.TestInfrastructure.GatewayAssert;

namespace Portal.Tests.Features.Links;

/// <summary>
/// A link is written in the same savepoint as its debit, so a write that fails (the batch's COMMIT refused) leaves
/// neither: the caller gets 503 with Retry-After in the family A envelope and the balance is what it was.
/// </summary>
[Trait("Category", TestCategories.Money)]
public sealed class LinksInternalFailureTests : IDisposable
{
    private readonly ArmedFaults _faults = new();
    private readonly PortalFactory _factory;

    public LinksInternalFailureTests() =>
        _factory = new PortalFactory { TestServices = { s => s.AddSingleton<IFaultInjector>(_faults) } };

    public static TheoryData<string, string> Routes => new()
    {
        { "/generate-shortlink", "{\"longUrl\":\"https://example.com/\"}" },
        { "/generate-miniprogram-link", "{\"appid\":\"wx6b698b0251caccff\",\"pagepath\":\"pages/index/index\"}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task BilledRoute_WriteFails_503RetryAfterNothingChargedNothingStored(string route, string body)
    {
        var user = await _factory.CreateUserAsync(100);
        var client = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        _faults.Arm(FaultPoints.LedgerCommitFails);

        var response = await client.PostRawAsync(route, body);

        Assert.Equal(503, response.Status);
        Assert.Equal(503, response.Body.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.Body.GetProperty("msg").GetString()));
        Assert.Equal("1", response.Message.Headers.RetryAfter?.ToString());
        Assert.Empty(await _factory.ChargesOfAsync(user.Id));
        Assert.Equal((100L, 100L, 1), await _factory.MoneyOfAsync(user.Id));
        await using (var db = await _factory.DbAsync())
        {
            Assert.Equal(0, db.ShortLinks.Count(l => l.UserId == user.Id) + db.MiniProgramLinks.Count(l => l.UserId == user.Id));
        }

        // The writer carries on: the same call now succeeds and is charged once.
        IsSuccess(await client.PostRawAsync(route, body), SuccessMessage(route), "0.90", route == "/generate-shortlink" ? "short_url" : "miniprogram_link");
        await _factory.AssertLedgerInvariantsAsync();
    }

    private static string SuccessMessage(string route) => route == "/generate-shortlink" ? "短链生成成功，费用已扣除" : "小程序短链生成成功，费用已扣除";

    public void Dispose() => _factory.Dispose();
}
