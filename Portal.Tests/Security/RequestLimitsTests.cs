using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Request size limits, over real Kestrel (TestServer enforces no limits): a body over the global
/// limit and huge headers get a 4xx, never a 500, and nothing is billed.
/// </summary>
public sealed class RequestLimitsTests : IAsyncLifetime
{
    private readonly PortalFactory _factory = new();
    private TestUser _user = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _user = await _factory.CreateUserAsync(1000);
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _factory.IssueTokenAsync(_user));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _factory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static StringContent JsonOfSize(int bytes) =>
        new($"{{\"longUrl\":\"https://example.com/{new string('z', bytes)}\"}}", new UTF8Encoding(false), "application/json");

    [Theory]
    [InlineData("/generate-shortlink", false)]
    [InlineData("/generate-shortlink", true)]
    [InlineData("/api/h5/qrcode/generate", true)]
    public async Task ApiRoute_TwoMegabyteBody_413InEnvelopeNothingBilled(string path, bool withIdempotencyKey)
    {
        var before = await _factory.MoneyOfAsync(_user.Id);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonOfSize(2 * 1024 * 1024) };
        if (withIdempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await _client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, (await response.ReadJsonAsync()).GetProperty("code").GetInt32());
        Assert.Equal(before, await _factory.MoneyOfAsync(_user.Id));
    }

    [Fact]
    public async Task ApiRoute_TwoMegabyteChunkedBody_413InEnvelope()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 2 * 1024 * 1024) + "{}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decode-link") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        // 413 whether ApiJson stops at 64 KiB first or Kestrel's chunked reader has already seen more than 1 MiB.
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal((int)response.StatusCode, body.GetProperty("code").GetInt32());
        Assert.True(body.TryGetProperty("current_balance", out _));
    }

    [Fact]
    public async Task PortalForm_PostWithoutAntiforgeryToken_400Not500()
    {
        using var anonymous = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = _client.BaseAddress! });

        using var response = await anonymous.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));

        Assert.Equal(400, (int)response.StatusCode);
    }

    [Fact]
    public async Task PortalForm_TwoMegabyteBody_4xxNot500()
    {
        using var anonymous = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = _client.BaseAddress! });
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = new('e', 2 * 1024 * 1024), ["Input.Password"] = "x" });

        using var response = await anonymous.PostAsync("/Account/Login", form);

        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"expected a 4xx, got {status}");
    }

    [Fact]
    public void Kestrel_GlobalBodyLimit_IsOneMebibyte()
    {
        var options = _factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(PortalOptions.MaxRequestBodyBytes, options.Limits.MaxRequestBodySize);
        Assert.Equal(1024 * 1024, PortalOptions.MaxRequestBodyBytes);
    }

    [Fact]
    public async Task NonApiRoute_TwoMegabyteBody_4xxNot500()
    {
        using var response = await _client.PostAsync("/Account/Logout", new ByteArrayContent(new byte[2 * 1024 * 1024]));

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task ApiRoute_SixteenKilobyteHeader_StillAnsweredInEnvelope()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Hostile", new string('h', 16 * 1024));

        using var response = await _client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnyRoute_HeadersOverKestrelLimit_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate-shortlink") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        for (var i = 0; i < 4; i++) request.Headers.TryAddWithoutValidation($"X-Hostile-{i}", new string('h', 16 * 1024));

        using var response = await _client.SendAsync(request);

        Assert.Equal(431, (int)response.StatusCode);
    }
}
