using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Links;

/// <summary>
/// Storage of short links and mini-program links. Billing is the caller's (<see cref="LinkCommands"/>): a new link is
/// built here and written by the ledger together with its charge. Public visits read the link from memory (kept for
/// <see cref="CachingOptions.EntryLifetime"/>; disabling one in this instance applies at once) and are counted through
/// <see cref="CoalescedCounters"/>.
/// </summary>
public sealed partial class LinkService
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

    /// <summary>
    /// Admin: one page of every user's short links, newest first, optionally filtered by code (or slug), title, URL or
    /// owner e-mail. Links their owners deleted are listed too (with <see cref="AdminShortLinkRow.DeletedAt"/>).
    /// </summary>
    public async Task<(IReadOnlyList<AdminShortLinkRow> Items, int Total)> ListAllShortLinksAsync(string? search, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = from l in db.ShortLinks.AsNoTracking()
                join u in db.Users on l.UserId equals u.Id
                select new { Link = l, u.Email };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            q = q.Where(x => x.Link.Code == term || x.Link.LongUrl.Contains(term) || (x.Link.Title != null && x.Link.Title.Contains(term))
                || (x.Email != null && x.Email.Contains(term)));
        }
        var items = await q.OrderByDescending(x => x.Link.Id).Skip(skip).Take(take)
            .Select(x => new AdminShortLinkRow(x.Link.Id, x.Link.Code, x.Link.LongUrl, x.Email ?? "", x.Link.VisitCount, x.Link.CreatedAt, x.Link.DisabledAt)
            {
                Title = x.Link.Title, ExpiresAt = x.Link.ExpiresAt, MaxVisits = x.Link.MaxVisits, DeletedAt = x.Link.DeletedAt,
                DisabledByAdmin = x.Link.DisabledAt != null && x.Link.DisabledByUserId != x.Link.UserId,
            })
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
