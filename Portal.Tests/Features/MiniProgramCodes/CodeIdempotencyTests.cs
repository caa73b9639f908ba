using System.Net.Http.Json;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.MiniProgramCodes;

/// <summary>Idempotency-Key on the seed-001 routes: replays keep the image headers; errors use family B's envelope.</summary>
public sealed class CodeIdempotencyTests(CodeApiFixture fixture) : IClassFixture<CodeApiFixture>
{
    private static HttpRequestMessage Image(string key, string scene) => new(HttpMethod.Post, "/api/h5/qrcode/generate")
    {
        Content = JsonContent.Create(new { scene, page = "pages/index/index" }),
        Headers = { { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task ImageRoute_SameKeyTwice_ReplaysBytesAndHeaders_BilledOnce_OneUpstreamCall()
    {
        var caller = await fixture.NewCallerAsync(100);
        var scene = "idem" + Guid.NewGuid().ToString("N")[..8];

        var first = await caller.Client.SendAsync(Image("img-1", scene));
        var second = await caller.Client.SendAsync(Image("img-1", scene));

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Content.Headers.ContentType!.MediaType, second.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=3600", second.Headers.CacheControl!.ToString());
        Assert.Equal(first.Content.Headers.ContentDisposition!.ToString(), second.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal(1, fixture.Calls("/wxa/getwxacodeunlimit", scene));
        var money = await fixture.Factory.MoneyOfAsync(caller.User.Id);
        Assert.Equal(90, money.Balance);
        Assert.Equal(money.Balance, money.LedgerSum);
    }

    [Fact]
    public async Task Base64Route_SameKeyDifferentBody_422InFamilyBEnvelope()
    {
        var caller = await fixture.NewCallerAsync(100);
        var request = (string scene) => new HttpRequestMessage(HttpMethod.Post, "/api/h5/qrcode/generate-base64")
        {
            Content = JsonContent.Create(new { scene, page = "pages/index/index" }),
            Headers = { { "Idempotency-Key", "b64" } },
        };
        Assert.Equal(200, (int)(await caller.Client.SendAsync(request("s" + Guid.NewGuid().ToString("N")[..6]))).StatusCode);

        var conflict = await caller.Client.SendAsync(request("t" + Guid.NewGuid().ToString("N")[..6]));

        Assert.Equal(422, (int)conflict.StatusCode);
        var body = await conflict.ReadJsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(422, body.GetProperty("code").GetInt32());
        Assert.True(body.TryGetProperty("message", out _));
        Assert.True(body.TryGetProperty("timestamp", out _));
        Assert.Equal(90, (await fixture.Factory.MoneyOfAsync(caller.User.Id)).Balance);
    }
}
