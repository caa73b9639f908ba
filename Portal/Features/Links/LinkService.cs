using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Links;

/// <summary>A short link as listed to its owner.</summary>
public sealed record ShortLinkRow(Guid Id, string Code, string LongUrl, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? LastVisitedAt);

/// <summary>A short link as listed to admins, with its owner and state.</summary>
public sealed record AdminShortLinkRow(Guid Id, string Code, string LongUrl, string OwnerEmail, long VisitCount, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

/// <summary>What a visitor of <c>/s/{code}</c> gets.</summary>
/// <param name="Target">The long URL to redirect to, when the link exists and is enabled.</param>
/// <param name="Disabled">True when the link exists but an admin disabled it.</param>
public sealed record ShortLinkVisit(string? Target, bool Disabled);

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
    private readonly TimedCache<string, ShortLinkVisit> _shortLinks;
    private readonly TimedCache<string, MiniProgramLink> _miniProgramLinks;

    /// <summary>Creates the service; its caches follow <see cref="ShortLinkTopic"/>.</summary>
    public LinkService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CoalescedCounters counters, ChangeFeed changes, IOptions<CachingOptions> caching)
    {
        this.dbFactory = dbFactory;
        this.time = time;
        this.counters = counters;
        this.changes = changes;
        _shortLinks = new TimedCache<string, ShortLinkVisit>(time, caching);
        _miniProgramLinks = new TimedCache<string, MiniProgramLink>(time, caching);
        changes.Subscribe((topic, code) => { if (topic == ShortLinkTopic) _shortLinks.Remove(code); });
    }

    /// <summary>Short-link code length (base62, ≈ 41.7 bits).</summary>
    public const int ShortCodeLength = 7;

    /// <summary>Mini-program link code length, as in the seed's example <c>mp://ilhyu3rfOgfbCYy</c>.</summary>
    public const int MiniProgramCodeLength = 15;

    /// <summary>Scheme prefix of mini-program links.</summary>
    public const string MiniProgramScheme = "mp://";


    /// <summary>A new short link (fresh random code) for an already validated URL, not yet stored.</summary>
    public ShortLink NewShortLink(string userId, string longUrl)
    {
        var now = time.GetUtcNow();
        return new ShortLink { Id = Guid.CreateVersion7(now), Code = NewCode(ShortCodeLength), UserId = userId, LongUrl = longUrl, CreatedAt = now };
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
    /// Resolves a short code for a visitor and counts the visit (written by the next counter flush). Null when
    /// unknown; <see cref="ShortLinkVisit.Disabled"/> (and no visit counted) when an admin disabled it.
    /// </summary>
    public async Task<ShortLinkVisit?> VisitShortLinkAsync(string code, CancellationToken ct)
    {
        if (!IsCode(code, ShortCodeLength)) return null;
        if (!_shortLinks.TryGet(code, out var visit))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var link = await db.ShortLinks.AsNoTracking().Where(l => l.Code == code).Select(l => new { l.LongUrl, l.DisabledAt }).SingleOrDefaultAsync(ct);
            if (link is null) return null;
            visit = link.DisabledAt is null ? new ShortLinkVisit(link.LongUrl, false) : new ShortLinkVisit(null, true);
            _shortLinks.Set(code, visit);
        }
        if (!visit.Disabled) counters.ShortLinkVisited(code, time.GetUtcNow());
        return visit;
    }

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

    /// <summary>One page of the owner's short links, newest first.</summary>
    public async Task<(IReadOnlyList<ShortLinkRow> Items, int Total)> ListShortLinksAsync(string userId, int skip, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.ShortLinks.AsNoTracking().Where(l => l.UserId == userId);
        var items = await q.OrderByDescending(l => l.Id).Skip(skip).Take(take)
            .Select(l => new ShortLinkRow(l.Id, l.Code, l.LongUrl, l.VisitCount, l.CreatedAt, l.LastVisitedAt)).ToListAsync(ct);
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
