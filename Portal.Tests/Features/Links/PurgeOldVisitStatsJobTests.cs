using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Links;
using Portal.Infrastructure.Persistence;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.Links;

public sealed class PurgeOldVisitStatsJobTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static int Day(DateOnly d) => Portal.Infrastructure.DayKey.Of(d);

    [Fact]
    public async Task DaysPastTheRetention_DeletedInChunks_NewerDaysAndVisitCountsKept()
    {
        var now = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var owner = await _factory.CreateUserAsync();
        await using (var db = await _factory.DbAsync())
        {
            db.ShortLinks.Add(new ShortLink { Id = Guid.CreateVersion7(), Code = "keepcount", UserId = owner.Id, LongUrl = "https://example.com/", CreatedAt = now, VisitCount = 12345 });
            // 2,500 rows on the last day past a 400-day retention (more than two chunks), a few on either side of the line.
            db.ShortLinkVisitStats.AddRange(Enumerable.Range(0, 2500).Select(i => new ShortLinkVisitStat
                { Code = "keepcount", Day = Day(today.AddDays(-401)), ReferrerHost = $"r{i}.example", Device = VisitorDevice.Desktop, Visits = 1 }));
            foreach (var (offset, host) in new[] { (-900, "old"), (-400, "edge"), (-399, "inside"), (0, "today") })
                db.ShortLinkVisitStats.Add(new ShortLinkVisitStat { Code = "keepcount", Day = Day(today.AddDays(offset)), ReferrerHost = host, Device = VisitorDevice.Phone, Visits = 3 });
            await db.SaveChangesAsync();
        }
        var job = new PurgeOldVisitStatsJob(_factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
            Microsoft.Extensions.Options.Options.Create(new LinksOptions { VisitStatsRetentionDays = 400 }), new FakeTimeProvider(now),
            NullLogger<PurgeOldVisitStatsJob>.Instance);

        Assert.Equal(2501, await job.RunAsync(CancellationToken.None));
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));

        await using var check = await _factory.DbAsync();
        Assert.Equal(["edge", "inside", "today"], (await check.ShortLinkVisitStats.Select(s => s.ReferrerHost).ToListAsync()).Order().ToArray());
        Assert.Equal(12345, await check.ShortLinks.Where(l => l.Code == "keepcount").Select(l => l.VisitCount).SingleAsync());
    }

    [Theory]
    [InlineData(366)]
    [InlineData(0)]
    public void Retention_ShorterThanTheYearALinkPageShows_IsInvalid(int days)
    {
        var options = new LinksOptions { VisitStatsRetentionDays = days };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(LinksOptions.VisitStatsRetentionDays)));
    }
}
