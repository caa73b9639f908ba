using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

/// <summary>
/// Visits of <c>/s/{code}</c> and <c>/m/{code}</c> are counted in memory and written by the periodic counter flush;
/// a clean stop writes what is left, so the counts are exact.
/// </summary>
public sealed class VisitCountTests
{
    [Fact]
    public async Task Visits_CleanStop_CountsExactAfterRestart()
    {
        var database = PortalFactory.NewDatabaseName();
        string shortCode, miniProgramCode, userId;
        using (var running = new PortalFactory(database, deleteOnDispose: false) { Settings = { ["Counters:FlushInterval"] = "00:10:00" } })
        {
            var user = await running.CreateUserAsync(100);
            userId = user.Id;
            var client = running.ApiClient(await running.IssueTokenAsync(user));
            var created = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/counted" });
            shortCode = new Uri(created.Body.GetProperty("short_url").GetString()!).AbsolutePath[3..];
            var mp = await client.PostAsync("/generate-miniprogram-link", new { appid = "wx6b698b0251caccff", pagepath = "pages/index/index" });
            miniProgramCode = mp.Body.GetProperty("miniprogram_link").GetString()![LinkService.MiniProgramScheme.Length..];

            var visitor = running.ApiClient(null);
            var visits = Enumerable.Range(0, 40).Select(i => visitor.GetAsync(i % 4 == 0 ? "/m/" + miniProgramCode : "/s/" + shortCode));
            Assert.All(await Task.WhenAll(visits), r => Assert.True((int)r.StatusCode is 302 or 200));

            // Not written yet: the flush interval is ten minutes.
            await using var db = await running.DbAsync();
            Assert.Equal(0, (await db.ShortLinks.AsNoTracking().SingleAsync(l => l.Code == shortCode)).VisitCount);
        }

        using var restarted = new PortalFactory(database, deleteOnDispose: true);
        await using var after = await restarted.DbAsync();
        var link = await after.ShortLinks.AsNoTracking().SingleAsync(l => l.Code == shortCode);
        Assert.Equal(30, link.VisitCount);
        Assert.NotNull(link.LastVisitedAt);
        Assert.Equal(10, (await after.MiniProgramLinks.AsNoTracking().SingleAsync(l => l.Code == miniProgramCode)).VisitCount);
        Assert.Equal(userId, link.UserId);
    }

    [Fact]
    public async Task DisabledByAdmin_TakesEffectAtOnceDespiteTheCache()
    {
        using var factory = new PortalFactory();
        var user = await factory.CreateUserAsync(100);
        var client = factory.ApiClient(await factory.IssueTokenAsync(user));
        var created = await client.PostAsync("/generate-shortlink", new { longUrl = "https://example.com/abused" });
        var path = new Uri(created.Body.GetProperty("short_url").GetString()!).AbsolutePath;
        var visitor = factory.ApiClient(null);
        Assert.Equal(302, (int)(await visitor.GetAsync(path)).StatusCode);
        await using (var db = await factory.DbAsync())
        {
            var id = (await db.ShortLinks.SingleAsync(l => l.UserId == user.Id)).Id;
            Assert.True(await factory.Services.GetRequiredService<LinkService>().SetShortLinkDisabledAsync(id, true, "admin", CancellationToken.None));
        }

        Assert.Equal(410, (int)(await visitor.GetAsync(path)).StatusCode);
    }
}
