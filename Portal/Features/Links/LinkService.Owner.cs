using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Links;

// The owner's management of a short link: edit, disable, delete, read, statistics.
public sealed partial class LinkService
{
    /// <summary>
    /// Owner: changes the target and details of one of <paramref name="userId"/>'s links (the code stays). Both must be
    /// validated already (<see cref="ShortLinkTarget.Validate"/>, <see cref="ShortLinkDetails.Validate"/>). Visitors
    /// see the change at once on this instance. Returns false when the user has no such live link.
    /// </summary>
    public async Task<bool> UpdateShortLinkAsync(string userId, Guid id, string longUrl, ShortLinkDetails details, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tags = ShortLinkTags.Join(details.Tags ?? []);
        var rows = await db.ShortLinks.Where(l => l.Id == id && l.UserId == userId && l.DeletedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.LongUrl, longUrl).SetProperty(l => l.Title, details.Title).SetProperty(l => l.Tags, tags)
            .SetProperty(l => l.ExpiresAt, details.ExpiresAt).SetProperty(l => l.MaxVisits, details.MaxVisits), ct);
        return rows == 1 && await PublishAsync(db, id, ct);
    }

    /// <summary>
    /// Owner: disables or enables one of <paramref name="userId"/>'s links. A link an admin disabled stays disabled
    /// (false). Returns false when the user has no such live link.
    /// </summary>
    public async Task<bool> SetShortLinkDisabledByOwnerAsync(string userId, Guid id, bool disabled, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var mine = db.ShortLinks.Where(l => l.Id == id && l.UserId == userId && l.DeletedAt == null);
        var rows = disabled
            ? await mine.Where(l => l.DisabledAt == null).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, now).SetProperty(l => l.DisabledByUserId, userId), ct)
            : await mine.Where(l => l.DisabledByUserId == userId).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, (DateTimeOffset?)null).SetProperty(l => l.DisabledByUserId, (string?)null), ct);
        return rows == 1 && await PublishAsync(db, id, ct);
    }

    /// <summary>
    /// Owner: deletes one of <paramref name="userId"/>'s links. Visitors get a 404 from now on; the row stays (marked
    /// deleted) for the charge and ledger entry that created it, and its code stays taken. Returns false when the user
    /// has no such live link.
    /// </summary>
    public async Task<bool> DeleteShortLinkAsync(string userId, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = await db.ShortLinks.Where(l => l.Id == id && l.UserId == userId && l.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.DeletedAt, now), ct);
        return rows == 1 && await PublishAsync(db, id, ct);
    }

    /// <summary>One of <paramref name="userId"/>'s live links, or null (another owner's link is null too).</summary>
    public async Task<ShortLinkRow?> GetShortLinkAsync(string userId, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await Rows(db.ShortLinks.AsNoTracking().Where(l => l.Id == id && l.UserId == userId && l.DeletedAt == null)).SingleOrDefaultAsync(ct);
        return row;
    }

    /// <summary>
    /// Visits of one of <paramref name="userId"/>'s links over the <paramref name="days"/> UTC days up to today: per day
    /// (every day present, zero included), per referrer host and per device class. Null when the user has no such link.
    /// Visits not yet written (at most <see cref="CounterOptions.FlushInterval"/> old) are not included.
    /// </summary>
    public async Task<ShortLinkStats?> GetShortLinkStatsAsync(string userId, Guid id, int days, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var code = await db.ShortLinks.AsNoTracking().Where(l => l.Id == id && l.UserId == userId && l.DeletedAt == null).Select(l => l.Code).SingleOrDefaultAsync(ct);
        if (code is null) return null;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = today.AddDays(1 - Math.Clamp(days, 1, 366));
        var from = Infrastructure.DayKey.Of(first);
        var rows = await db.ShortLinkVisitStats.AsNoTracking().Where(s => s.Code == code && s.Day >= from)
            .Select(s => new { s.Day, s.ReferrerHost, s.Device, s.Visits }).ToListAsync(ct);
        var perDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Visits));
        var series = new List<(DateOnly, long)>();
        for (var d = first; d <= today; d = d.AddDays(1))
            series.Add((d, perDay.GetValueOrDefault(Infrastructure.DayKey.Of(d))));
        var referrers = rows.GroupBy(r => r.ReferrerHost).Select(g => (g.Key, g.Sum(r => r.Visits))).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        var devices = rows.GroupBy(r => r.Device).Select(g => (g.Key, g.Sum(r => r.Visits))).OrderByDescending(x => x.Item2).ThenBy(x => x.Key).ToList();
        return new ShortLinkStats(series, referrers, devices);
    }

    private async Task<bool> PublishAsync(PortalDbContext db, Guid id, CancellationToken ct)
    {
        if (await db.ShortLinks.Where(l => l.Id == id).Select(l => l.Code).SingleOrDefaultAsync(ct) is { } code) changes.Publish(ShortLinkTopic, code);
        return true;
    }

    // The tags are split in the final (client-side) part of the projection.
    private static IQueryable<ShortLinkRow> Rows(IQueryable<ShortLink> q) =>
        q.Select(l => new ShortLinkRow(l.Id, l.Code, l.LongUrl, l.VisitCount, l.CreatedAt, l.LastVisitedAt)
        {
            Title = l.Title, Tags = ShortLinkTags.Parse(l.Tags), ExpiresAt = l.ExpiresAt, MaxVisits = l.MaxVisits,
            DisabledAt = l.DisabledAt, DisabledByAdmin = l.DisabledAt != null && l.DisabledByUserId != l.UserId,
        });
}
