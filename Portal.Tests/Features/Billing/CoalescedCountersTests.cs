using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Billing.Ledger;
using Portal.Features.Links;
using Portal.Infrastructure;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Billing;

/// <summary>
/// The counter flush writes many tokens, links and statistics rows in one ledger operation: each row gets exactly its
/// own uses and visits, a token keeps its latest use, and a second flush adds to the first.
/// </summary>
public sealed class CoalescedCountersTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly PortalFactory _factory = new(PortalFactory.NewDatabaseName(), deleteOnDispose: true)
    {
        Settings = { ["Counters:FlushInterval"] = "00:10:00" },
    };

    private CoalescedCounters Counters => _factory.Services.GetRequiredService<CoalescedCounters>();

    [Fact]
    public async Task Flush_ManyTokensLinksAndStatistics_EachRowGetsExactlyItsOwn()
    {
        var user = await _factory.CreateUserAsync(1000);
        for (var i = 0; i < 3; i++) await _factory.IssueTokenAsync(user, $"token {i}");
        var service = _factory.Services.GetRequiredService<LinkService>();
        var shortLinks = new List<ShortLink>();
        for (var i = 0; i < 4; i++) shortLinks.Add(await service.CreateShortLinkAsync(user.Id, $"https://example.com/flush/{i}", CancellationToken.None));
        var miniProgramLinks = Enumerable.Range(0, 2).Select(i => service.NewMiniProgramLink(user.Id, "wx6b698b0251caccff", $"pages/p{i}/index")).ToList();
        List<Guid> tokens;
        await using (var db = await _factory.DbAsync())
        {
            db.MiniProgramLinks.AddRange(miniProgramLinks);
            await db.SaveChangesAsync();
            tokens = await db.ApiTokens.Where(t => t.UserId == user.Id).OrderBy(t => t.Name).Select(t => t.Id).ToListAsync();
        }

        for (var i = 0; i < 3; i++) Counters.TokenUsed(tokens[i], At.AddSeconds(i), $"10.0.0.{i}");
        for (var i = 0; i < 4; i++)
            for (var v = 0; v <= i; v++)
                Counters.ShortLinkVisited(shortLinks[i].Code, At.AddMinutes(i), v % 2 == 0 ? "a.example" : "", (VisitorDevice)(v % 2));
        for (var i = 0; i < 2; i++)
            for (var v = 0; v < 2 + 3 * i; v++) Counters.MiniProgramLinkVisited(miniProgramLinks[i].Code, At);
        Assert.True(await Counters.FlushAsync());

        // A second flush: an older use of token 0 (kept out), a newer one of token 1, three more visits of link 0.
        Counters.TokenUsed(tokens[0], At.AddHours(-1), "10.9.9.9");
        Counters.TokenUsed(tokens[1], At.AddHours(1), "10.0.1.1");
        for (var v = 0; v < 3; v++) Counters.ShortLinkVisited(shortLinks[0].Code, At.AddMinutes(10), "a.example", VisitorDevice.Desktop);
        Assert.True(await Counters.FlushAsync());
        Assert.False(await Counters.FlushAsync());

        await using var check = await _factory.DbAsync();
        var used = await check.ApiTokens.AsNoTracking().Where(t => t.UserId == user.Id).OrderBy(t => t.Name).Select(t => new { t.LastUsedAt, t.LastUsedIp }).ToListAsync();
        Assert.Equal([(At, "10.0.0.0"), (At.AddHours(1), "10.0.1.1"), (At.AddSeconds(2), "10.0.0.2")],
            used.Select(u => (u.LastUsedAt!.Value.ToUniversalTime(), u.LastUsedIp!)).ToArray());
        var links = await check.ShortLinks.AsNoTracking().Where(l => l.UserId == user.Id).ToDictionaryAsync(l => l.Code);
        Assert.Equal([4, 2, 3, 4], shortLinks.Select(l => links[l.Code].VisitCount).ToArray());
        Assert.Equal([At.AddMinutes(10), At.AddMinutes(1), At.AddMinutes(2), At.AddMinutes(3)],
            shortLinks.Select(l => links[l.Code].LastVisitedAt!.Value.ToUniversalTime()).ToArray());
        var mp = await check.MiniProgramLinks.AsNoTracking().Where(l => l.UserId == user.Id).ToDictionaryAsync(l => l.Code, l => l.VisitCount);
        Assert.Equal([2, 5], miniProgramLinks.Select(l => mp[l.Code]).ToArray());
        var codes = shortLinks.Select(l => l.Code).ToList();
        var stats = await check.ShortLinkVisitStats.AsNoTracking().Where(s => codes.Contains(s.Code)).ToListAsync();
        var day = DayKey.Of(At);
        var expected = new[]
        {
            (shortLinks[0].Code, "a.example", VisitorDevice.Desktop, 4L),
            (shortLinks[1].Code, "a.example", VisitorDevice.Desktop, 1L), (shortLinks[1].Code, "", VisitorDevice.Phone, 1L),
            (shortLinks[2].Code, "a.example", VisitorDevice.Desktop, 2L), (shortLinks[2].Code, "", VisitorDevice.Phone, 1L),
            (shortLinks[3].Code, "a.example", VisitorDevice.Desktop, 2L), (shortLinks[3].Code, "", VisitorDevice.Phone, 2L),
        };
        Assert.All(stats, s => Assert.Equal(day, s.Day));
        Assert.Equal(expected.Order(), stats.Select(s => (s.Code, s.ReferrerHost, s.Device, (long)s.Visits)).Order());
    }

    public void Dispose() => _factory.Dispose();
}
