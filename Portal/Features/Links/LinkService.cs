using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Links;

/// <summary>A short link as listed to its owner.</summary>
/// <param name="Id">The link's id.</param>
/// <param name="Code">Random code or chosen slug.</param>
/// <param name="LongUrl">Target.</param>
/// <param name="VisitCount">Redirects served (written once a second, see <see cref="CoalescedCounters"/>).</param>
/// <param name="CreatedAt">Created (UTC).</param>
/// <param name="LastVisitedAt">Last redirect (UTC).</param>
public sealed record ShortLinkRow(Guid Id, string Code, string LongUrl, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? LastVisitedAt)
{
    /// <summary>The owner's label, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Expiry (UTC), or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Maximum visits, or null for unlimited.</summary>
    public long? MaxVisits { get; init; }

    /// <summary>When it was disabled (by the owner or an admin), or null.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>True when an admin (not the owner) disabled it: the owner cannot enable it again.</summary>
    public bool DisabledByAdmin { get; init; }

    /// <summary>What a visitor gets now, at <paramref name="now"/>.</summary>
    public ShortLinkState StateAt(DateTimeOffset now) =>
        DisabledAt is not null ? ShortLinkState.Disabled
        : ExpiresAt is { } e && e <= now ? ShortLinkState.Expired
        : MaxVisits is { } max && VisitCount >= max ? ShortLinkState.Exhausted
        : ShortLinkState.Active;
}

/// <summary>What a visitor of a short link gets.</summary>
public enum ShortLinkState
{
    /// <summary>The redirect.</summary>
    Active,

    /// <summary>A 410 page: the owner or an admin disabled it.</summary>
    Disabled,

    /// <summary>A 410 page: past its expiry.</summary>
    Expired,

    /// <summary>A 410 page: its maximum number of visits was reached.</summary>
    Exhausted,
}

/// <summary>Visits of one short link over a range of days.</summary>
/// <param name="Days">Each UTC day of the range, oldest first, with its visits (zero included).</param>
/// <param name="Referrers">Visits per referrer host (empty string: none), most first.</param>
/// <param name="Devices">Visits per device class, most first.</param>
public sealed record ShortLinkStats(IReadOnlyList<(DateOnly Day, long Visits)> Days, IReadOnlyList<(string Host, long Visits)> Referrers,
    IReadOnlyList<(VisitorDevice Device, long Visits)> Devices)
{
    /// <summary>Visits in the range.</summary>
    public long Total => Days.Sum(d => d.Visits);
}

/// <summary>A short link as listed to admins, with its owner and state.</summary>
public sealed record AdminShortLinkRow(Guid Id, string Code, string LongUrl, string OwnerEmail, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

/// <summary>What a visitor of <c>/s/{code}</c> gets.</summary>
/// <param name="Target">The long URL to redirect to, when <paramref name="State"/> is <see cref="ShortLinkState.Active"/>.</param>
/// <param name="State">Redirect, or why not.</param>
public sealed record ShortLinkVisit(string? Target, ShortLinkState State)
{
    /// <summary>True when the link exists but was disabled.</summary>
    public bool Disabled => State == ShortLinkState.Disabled;
}

/// <summary>
/// A short link as kept in memory for visitors: its target and limits, the visits written when it was read and those
/// this instance served since (so a maximum number of visits holds between two counter writes).
/// </summary>
internal sealed class CachedShortLink(string longUrl, bool disabled, DateTimeOffset? expiresAt, long? maxVisits, long visitsAtLoad)
{
    private long _served;

    public string LongUrl => longUrl;

    /// <summary>Decides one visit at <paramref name="now"/>; an allowed visit is counted against the maximum.</summary>
    public ShortLinkState Admit(DateTimeOffset now)
    {
        if (disabled) return ShortLinkState.Disabled;
        if (expiresAt is { } e && e <= now) return ShortLinkState.Expired;
        if (maxVisits is not { } max) return ShortLinkState.Active;
        var served = Interlocked.Increment(ref _served);
        if (visitsAtLoad + served <= max) return ShortLinkState.Active;
        Interlocked.Decrement(ref _served);
        return ShortLinkState.Exhausted;
    }
}

/// <summary>A mini-program link as listed to its owner.</summary>
public sealed record MiniProgramLinkRow(Guid Id, string Code, string AppId, string PagePath, long VisitCount, DateTimeOffset CreatedAt);

/// <summary>
/// Storage of short links and mini-program links. Billing is the caller's (<see cref="LinkCommands"/>): a new link is
/// built here and written by the ledger together with its charge. Public visits read the link from memory (kept for
/// <see cref="CachingOptions.EntryLifetime"/>; disabling one in this instance applies at once) and are counted through
/// <see cref="CoalescedCounters"/>.
/// </summary>
public sealed class LinkService
{
    /// <summary>The <see cref="ChangeFeed"/> topic published with the code after a short link is disabled or enabled.</summary>
    public const string ShortLinkTopic = "short-link";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly TimeProvider time;
    private readonly CoalescedCounters counters;
    private readonly ChangeFeed changes;
    private readonly TimedCache<string, CachedShortLink> _shortLinks;
    private readonly Lock _loadGate = new();
    private readonly TimedCache<string, MiniProgramLink> _miniProgramLinks;

    /// <summary>Creates the service; its caches follow <see cref="ShortLinkTopic"/>.</summary>
    public LinkService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CoalescedCounters counters, ChangeFeed changes, IOptions<CachingOptions> caching)
    {
        this.dbFactory = dbFactory;
        this.time = time;
        this.counters = counters;
        this.changes = changes;
        _shortLinks = new TimedCache<string, CachedShortLink>(time, caching);
        _miniProgramLinks = new TimedCache<string, MiniProgramLink>(time, caching);
        changes.Subscribe((topic, code) => { if (topic == ShortLinkTopic) _shortLinks.Remove(code); });
    }

    /// <summary>Short-link code length (base62, ≈ 41.7 bits).</summary>
    public const int ShortCodeLength = 7;

    /// <summary>Mini-program link code length, as in the seed's example <c>mp://ilhyu3rfOgfbCYy</c>.</summary>
    public const int MiniProgramCodeLength = 15;

    /// <summary>Scheme prefix of mini-program links.</summary>
    public const string MiniProgramScheme = "mp://";


    /// <summary>
    /// A new short link for an already validated URL and details (<see cref="ShortLinkDetails.Validate"/>), not yet
    /// stored: its code is the chosen slug, or a fresh random code.
    /// </summary>
    public ShortLink NewShortLink(string userId, string longUrl, ShortLinkDetails? details = null)
    {
        var now = time.GetUtcNow();
        details ??= ShortLinkDetails.None;
        return new ShortLink
        {
            Id = Guid.CreateVersion7(now), Code = details.Slug ?? NewCode(ShortCodeLength), UserId = userId, LongUrl = longUrl, CreatedAt = now,
            Title = details.Title, Tags = ShortLinkTags.Join(details.Tags ?? []), ExpiresAt = details.ExpiresAt, MaxVisits = details.MaxVisits,
        };
    }

    /// <summary>True when a short link (live or deleted) already has <paramref name="code"/>.</summary>
    public async Task<bool> IsCodeTakenAsync(string code, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ShortLinks.AnyAsync(l => l.Code == code, ct);
    }

    /// <summary>A new mini-program link (fresh random code) for an already validated AppID and page path, not yet stored.</summary>
    public MiniProgramLink NewMiniProgramLink(string userId, string appId, string pagePath)
    {
        var now = time.GetUtcNow();
        return new MiniProgramLink { Id = Guid.CreateVersion7(now), Code = NewCode(MiniProgramCodeLength), UserId = userId, AppId = appId, PagePath = pagePath, CreatedAt = now };
    }

    /// <summary>Stores a short link outside billing (fixtures); a taken code is drawn again.</summary>
    public Task<ShortLink> CreateShortLinkAsync(string userId, string longUrl, CancellationToken ct) =>
        InsertWithFreshCodeAsync(() => NewShortLink(userId, longUrl), ct);

    /// <summary>
    /// Resolves a short code for a visitor and counts the visit (written by the next counter flush, with the day, the
    /// referrer's host and the device class; no address is kept). Null when unknown or deleted. A disabled, expired or
    /// exhausted link answers its <see cref="ShortLinkState"/> and counts nothing. The maximum number of visits is exact
    /// on one instance; several instances may together serve a few more, up to <see cref="CachingOptions.EntryLifetime"/>.
    /// </summary>
    /// <param name="code">The code from the path.</param>
    /// <param name="referer">The request's <c>Referer</c> header; only its host is kept.</param>
    /// <param name="userAgent">The request's <c>User-Agent</c>; only its device class is kept.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<ShortLinkVisit?> VisitShortLinkAsync(string code, string? referer, string? userAgent, CancellationToken ct)
    {
        if (!ShortLinkSlug.IsWellFormed(code)) return null;
        if (!_shortLinks.TryGet(code, out var link))
        {
            // Visits served here but not yet written are read before the written count: a counter write in between
            // then counts some visits twice (refusing a little early), never zero times (serving more than the maximum).
            var pending = counters.PendingShortLinkVisits(code);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var row = await db.ShortLinks.AsNoTracking().Where(l => l.Code == code && l.DeletedAt == null)
                .Select(l => new { l.LongUrl, l.DisabledAt, l.ExpiresAt, l.MaxVisits, l.VisitCount }).SingleOrDefaultAsync(ct);
            if (row is null) return null;
            var loaded = new CachedShortLink(row.LongUrl, row.DisabledAt is not null, row.ExpiresAt, row.MaxVisits, row.VisitCount + pending);
            // Concurrent misses keep one entry, so that no visit admitted against a discarded entry goes uncounted.
            lock (_loadGate)
            {
                if (!_shortLinks.TryGet(code, out link))
                {
                    link = loaded;
                    _shortLinks.Set(code, link);
                }
            }
        }
        var now = time.GetUtcNow();
        var state = link.Admit(now);
        if (state != ShortLinkState.Active) return new ShortLinkVisit(null, state);
        counters.ShortLinkVisited(code, now, ShortLinkVisitDetail.ReferrerHost(referer), VisitorDevices.Classify(userAgent));
        return new ShortLinkVisit(link.LongUrl, ShortLinkState.Active);
    }

    /// <summary>Resolves a short code for a visitor without request details (see the other overload).</summary>
    public Task<ShortLinkVisit?> VisitShortLinkAsync(string code, CancellationToken ct) => VisitShortLinkAsync(code, null, null, ct);

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
        var from = first.Year * 10000 + first.Month * 100 + first.Day;
        var rows = await db.ShortLinkVisitStats.AsNoTracking().Where(s => s.Code == code && s.Day >= from)
            .Select(s => new { s.Day, s.ReferrerHost, s.Device, s.Visits }).ToListAsync(ct);
        var perDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Visits));
        var series = new List<(DateOnly, long)>();
        for (var d = first; d <= today; d = d.AddDays(1))
            series.Add((d, perDay.GetValueOrDefault(d.Year * 10000 + d.Month * 100 + d.Day)));
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

    /// <summary>Admin: disables (or re-enables) a short link by id. Returns false when there is no such link.</summary>
    public async Task<bool> SetShortLinkDisabledAsync(Guid id, bool disabled, string adminUserId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = disabled
            ? await db.ShortLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, now).SetProperty(l => l.DisabledByUserId, adminUserId), ct)
            : await db.ShortLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, (DateTimeOffset?)null).SetProperty(l => l.DisabledByUserId, (string?)null), ct);
        if (rows == 1 && await db.ShortLinks.Where(l => l.Id == id).Select(l => l.Code).SingleOrDefaultAsync(ct) is { } code)
            changes.Publish(ShortLinkTopic, code);
        return rows == 1;
    }

    /// <summary>Admin: one page of every user's short links, newest first, optionally filtered by code, URL or owner e-mail.</summary>
    public async Task<(IReadOnlyList<AdminShortLinkRow> Items, int Total)> ListAllShortLinksAsync(string? search, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = from l in db.ShortLinks.AsNoTracking()
                join u in db.Users on l.UserId equals u.Id
                select new { Link = l, u.Email };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            q = q.Where(x => x.Link.Code == term || x.Link.LongUrl.Contains(term) || (x.Email != null && x.Email.Contains(term)));
        }
        var items = await q.OrderByDescending(x => x.Link.Id).Skip(skip).Take(take)
            .Select(x => new AdminShortLinkRow(x.Link.Id, x.Link.Code, x.Link.LongUrl, x.Email ?? "", x.Link.VisitCount, x.Link.CreatedAt, x.Link.DisabledAt))
            .ToListAsync(ct);
        return (items, await q.CountAsync(ct));
    }

    /// <summary>
    /// Opens a mini-program link for a visitor of <c>/m/{code}</c> and counts the visit (written by the next counter
    /// flush). Null when unknown.
    /// </summary>
    public async Task<MiniProgramLink?> VisitMiniProgramLinkAsync(string code, CancellationToken ct)
    {
        if (!IsCode(code, MiniProgramCodeLength)) return null;
        if (!_miniProgramLinks.TryGet(code, out var link))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            link = await db.MiniProgramLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Code == code, ct);
            if (link is null) return null;
            _miniProgramLinks.Set(code, link);
        }
        counters.MiniProgramLinkVisited(code, time.GetUtcNow());
        return link;
    }

    /// <summary>
    /// Finds one of <paramref name="userId"/>'s mini-program links by <c>mp://{code}</c> (or the bare code). Another
    /// owner's link is reported as not found.
    /// </summary>
    public async Task<MiniProgramLink?> FindMiniProgramLinkAsync(string userId, string link, CancellationToken ct)
    {
        var code = link.StartsWith(MiniProgramScheme, StringComparison.OrdinalIgnoreCase) ? link[MiniProgramScheme.Length..] : null;
        if (code is null || !IsCode(code, MiniProgramCodeLength)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MiniProgramLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Code == code && l.UserId == userId, ct);
    }

    /// <summary>One page of the owner's live short links, newest first.</summary>
    public Task<(IReadOnlyList<ShortLinkRow> Items, int Total)> ListShortLinksAsync(string userId, int skip, int take, CancellationToken ct) =>
        ListShortLinksAsync(userId, null, skip, take, ct);

    /// <summary>
    /// One page of the owner's live short links, newest first, optionally only those whose code, target, title or
    /// tags contain <paramref name="search"/> (trimmed; case as the database compares).
    /// </summary>
    public async Task<(IReadOnlyList<ShortLinkRow> Items, int Total)> ListShortLinksAsync(string userId, string? search, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.ShortLinks.AsNoTracking().Where(l => l.UserId == userId && l.DeletedAt == null);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            q = q.Where(l => l.Code.Contains(term) || l.LongUrl.Contains(term) || (l.Title != null && l.Title.Contains(term)) || (l.Tags != null && l.Tags.Contains(term)));
        }
        var items = await Rows(q.OrderByDescending(l => l.Id).Skip(skip).Take(take)).ToListAsync(ct);
        return (items, await q.CountAsync(ct));
    }

    /// <summary>One page of the owner's mini-program links, newest first.</summary>
    public async Task<(IReadOnlyList<MiniProgramLinkRow> Items, int Total)> ListMiniProgramLinksAsync(string userId, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.MiniProgramLinks.AsNoTracking().Where(l => l.UserId == userId);
        var items = await q.OrderByDescending(l => l.Id).Skip(skip).Take(take)
            .Select(l => new MiniProgramLinkRow(l.Id, l.Code, l.AppId, l.PagePath, l.VisitCount, l.CreatedAt)).ToListAsync(ct);
        return (items, await q.CountAsync(ct));
    }

    private static bool IsCode(string code, int length) => code.Length == length && code.All(char.IsAsciiLetterOrDigit);

    private static string NewCode(int length) => Base62.Random(length);

    private async Task<T> InsertWithFreshCodeAsync<T>(Func<T> create, CancellationToken ct) where T : class
    {
        // 62^7 codes: a collision is rare, and the unique index turns one into a retry rather than a wrong link.
        for (var attempt = 0; ; attempt++)
        {
            var entity = create();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.Add(entity);
            try
            {
                await db.SaveChangesAsync(ct);
                return entity;
            }
            catch (DbUpdateException) when (attempt < 4)
            {
            }
        }
    }
}
