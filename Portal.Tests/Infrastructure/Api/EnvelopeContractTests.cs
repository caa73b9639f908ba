using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portal.Features.Billing;
using Portal.Infrastructure.Api;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Api;

/// <summary>
/// The one envelope contract (docs/architecture.md, API routes and envelopes): one status mapping for every family,
/// family C's codes, family B's clock, and no API handler that needs the ledger to refuse a request.
/// </summary>
public sealed class EnvelopeContractTests(FakeClockPortalFactory factory) : IClassFixture<FakeClockPortalFactory>
{
    private static readonly ApiEnvelope[] Families = [GatewayEnvelope.Instance, H5Envelope.Instance, WxMiniEnvelope.Instance];

    [Theory]
    [InlineData(BilledStatus.InvalidInput, 400)]
    [InlineData(BilledStatus.NotFound, 404)]
    [InlineData(BilledStatus.InsufficientFunds, 402)]
    [InlineData(BilledStatus.UpstreamError, 502)]
    [InlineData(BilledStatus.InternalError, 500)]
    public async Task Failure_WithoutErrCode_SameStatusInEveryFamily(BilledStatus status, int expected)
    {
        var result = new BilledResult<int>(status, 0, 1234, "原因");

        foreach (var envelope in Families)
        {
            var (code, body) = await RunAsync(envelope.Billed(result, (_, _) => "unused"));
            Assert.Equal(expected, code);
            Assert.Equal(expected, body.GetProperty("code").GetInt32());
        }
    }

    [Fact]
    public async Task Billed_Success_FamilyShapes()
    {
        var result = new BilledResult<string>(BilledStatus.Succeeded, "v", 1930);

        var (_, a) = await RunAsync(GatewayEnvelope.Instance.Billed(result, (v, fen) => new { code = 200, msg = v, current_balance = WireMoney.Format(fen) }));
        var (_, b) = await RunAsync(H5Envelope.Instance.Billed(result, (v, _) => v, "生成小程序码成功"));
        var (_, c) = await RunAsync(WxMiniEnvelope.Instance.Billed(result, (v, _) => v));

        Assert.Equal("""{"code":200,"msg":"v","current_balance":"19.30"}""", a.GetRawText());
        Assert.Equal(["success", "code", "message", "data", "timestamp"], b.EnumerateObject().Select(p => p.Name));
        Assert.Equal("生成小程序码成功", b.GetProperty("message").GetString());
        Assert.Equal("""{"code":200,"success":true,"msg":"ok","data":"v"}""", c.GetRawText());
    }

    [Theory]
    [InlineData(BilledStatus.UpstreamError, 41030, 400)] // a parameter errcode
    [InlineData(BilledStatus.UpstreamError, 45009, 502)]
    [InlineData(BilledStatus.InvalidInput, 40169, 400)]
    public async Task FamilyC_Failure_AnswersTheErrCodeAsCode(BilledStatus status, int errCode, int http)
    {
        var result = new BilledResult<int>(status, 0, 0, "微信", new UpstreamErrorDetail(errCode, "x"));

        var (code, body) = await RunAsync(WxMiniEnvelope.Instance.Billed(result, (_, _) => "unused"));

        Assert.Equal(http, code);
        Assert.Equal(errCode, body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task FamilyA_UpstreamError_CarriesDetailOnlyOn502()
    {
        var upstream = new BilledResult<int>(BilledStatus.UpstreamError, 0, 90, "微信", new UpstreamErrorDetail(45009, "quota"));
        var invalid = new BilledResult<int>(BilledStatus.InvalidInput, 0, 90, "参数", new UpstreamErrorDetail(41030, "page"));

        var (_, a502) = await RunAsync(GatewayEnvelope.Instance.Billed(upstream, (_, _) => null));
        var (_, a400) = await RunAsync(GatewayEnvelope.Instance.Billed(invalid, (_, _) => null));

        Assert.Equal("""{"errcode":45009,"errmsg":"quota"}""", a502.GetProperty("detail").GetRawText());
        Assert.Equal("0.90", a502.GetProperty("current_balance").GetString());
        Assert.False(a400.TryGetProperty("detail", out _));
    }

    [Fact]
    public async Task FamilyB_Timestamp_ComesFromTheAppsClock()
    {
        // A day ahead of the wall clock: a timestamp read from DateTimeOffset.UtcNow would be a day off.
        factory.Clock.Advance(TimeSpan.FromDays(1));
        var expected = factory.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = factory.ApiClient(null);

        using var response = await anonymous.GetAsync("/api/h5/nothing-here");

        var body = await response.ReadJsonAsync();
        Assert.Equal(expected, body.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task FamilyA_Refusal_ReadsTheBalanceItself()
    {
        var user = await factory.CreateUserAsync(1930);
        using var client = factory.ApiClient(await factory.IssueTokenAsync(user));

        var (status, body) = await client.PostJsonAsync("/generate-shortlink", new { });

        Assert.Equal(400, status);
        Assert.Equal("19.30", body.GetProperty("current_balance").GetString());
    }

    [Fact]
    public void ApiHandlers_NeverTakeTheLedger()
    {
        var handlers = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Endpoints", StringComparison.Ordinal) && t.Namespace?.StartsWith("Portal.Features", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(System.Security.Claims.ClaimsPrincipal)))
            .ToList();

        Assert.NotEmpty(handlers);
        Assert.DoesNotContain(handlers, m => m.GetParameters().Any(p => p.ParameterType == typeof(BillingLedger)));
    }

    private async Task<(int Status, JsonElement Body)> RunAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = factory.Services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, JsonDocument.Parse(context.Response.Body).RootElement.Clone());
    }
}
