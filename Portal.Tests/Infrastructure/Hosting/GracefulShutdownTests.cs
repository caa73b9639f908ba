using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Hosting;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Infrastructure.Hosting;

/// <summary>The in-process half of the drain: readiness and keep-alive while stopping, and the configured timeout.
/// The real SIGTERM under load is Portal.E2E's DrainTests.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    [Fact]
    public async Task Readyz_WhileDraining_Answers503ButStillServesWithConnectionClose()
    {
        var client = _factory.CreateClient();
        var before = await client.GetAsync("/readyz");
        Assert.Equal(200, (int)before.StatusCode);
        Assert.False(before.Headers.ConnectionClose ?? false);

        _factory.Services.GetRequiredService<DrainState>().Begin();

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(503, (int)ready.StatusCode);
        Assert.True(ready.Headers.ConnectionClose);
        var alive = await client.GetAsync("/healthz");
        Assert.Equal(200, (int)alive.StatusCode);
        Assert.True(alive.Headers.ConnectionClose);
    }

    [Fact]
    public void ShutdownTimeout_FromConfiguration_IsTheHostsTimeout()
    {
        _factory.Settings["Shutdown:Timeout"] = "00:00:07";
        Assert.Equal(TimeSpan.FromSeconds(7), _factory.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task StopAsync_AfterVisits_WritesTheVisitsHeldInMemory()
    {
        _factory.Settings["Counters:FlushInterval"] = "00:05:00";
        var user = await _factory.CreateUserAsync(1000);
        var api = _factory.ApiClient(await _factory.IssueTokenAsync(user));
        var (status, body) = await api.PostJsonAsync("/generate-shortlink", new { longUrl = "https://example.com/stop" });
        Assert.Equal(200, status);
        var code = new Uri(body.GetProperty("short_url").GetString()!).AbsolutePath.Split('/')[^1];
        var visitor = _factory.ApiClient(null);
        for (var i = 0; i < 5; i++) Assert.Equal(302, (int)(await visitor.GetAsync("/s/" + code)).StatusCode);

        // The test host may dispose its services once stopped (the app's Run returns and disposes the host, racing this
        // test): open the context to read with first, and use it once, so it has resolved what it needs from them.
        await using var db = await _factory.DbAsync();
        Assert.Equal(0, db.ShortLinks.AsNoTracking().Single(l => l.Code == code).VisitCount);
        await _factory.Services.GetRequiredService<IHost>().StopAsync();

        Assert.Equal(5, db.ShortLinks.Single(l => l.Code == code).VisitCount);
    }

    public void Dispose() => _factory.Dispose();
}
