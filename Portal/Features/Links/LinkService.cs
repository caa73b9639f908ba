using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
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

/// <summary>Storage of short links and mini-program links. Billing is the caller's (<see cref="LinkCommands"/>).</summary>
public sealed class LinkService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Short-link code length (base62, ≈ 41.7 bits).</summary>
    public const int ShortCodeLength = 7;

    /// <summary>Mini-program link code length, as in the seed's example <c>mp://ilhyu3rfOgfbCYy</c>.</summary>
    public const int MiniProgramCodeLength = 15;

    /// <summary>Scheme prefix of mini-program links.</summary>
    public const string MiniProgramScheme = "mp://";

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Stores a short link for an already validated URL.</summary>
    public Task<ShortLink> CreateShortLinkAsync(string userId, string longUrl, CancellationToken ct) =>
        InsertWithFreshCodeAsync(ShortCodeLength, code => new ShortLink
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()), Code = code, UserId = userId, LongUrl = longUrl, CreatedAt = time.GetUtcNow(),
        }, ct);

    /// <summary>Stores a mini-program link for an already validated AppID and page path.</summary>
    public Task<MiniProgramLink> CreateMiniProgramLinkAsync(string userId, string appId, string pagePath, CancellationToken ct) =>
        InsertWithFreshCodeAsync(MiniProgramCodeLength, code => new MiniProgramLink
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()), Code = code, UserId = userId, AppId = appId, PagePath = pagePath, CreatedAt = time.GetUtcNow(),
        }, ct);

    /// <summary>
    /// Resolves a short code for a visitor and counts the visit. Null when unknown; <see cref="ShortLinkVisit.Disabled"/>
    /// (and no visit counted) when an admin disabled it.
    /// </summary>
    public async Task<ShortLinkVisit?> VisitShortLinkAsync(string code, CancellationToken ct)
    {
        if (!IsCode(code, ShortCodeLength)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var counted = await db.ShortLinks.Where(l => l.Code == code && l.DisabledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.VisitCount, l => l.VisitCount + 1).SetProperty(l => l.LastVisitedAt, now), ct);
        if (counted == 1) return new ShortLinkVisit(await db.ShortLinks.Where(l => l.Code == code).Select(l => l.LongUrl).SingleAsync(ct), false);
        return await db.ShortLinks.AnyAsync(l => l.Code == code, ct) ? new ShortLinkVisit(null, true) : null;
    }

    /// <summary>Admin: disables (or re-enables) a short link by id. Returns false when there is no such link.</summary>
    public async Task<bool> SetShortLinkDisabledAsync(Guid id, bool disabled, string adminUserId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = disabled
            ? await db.ShortLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, now).SetProperty(l => l.DisabledByUserId, adminUserId), ct)
            : await db.ShortLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.DisabledAt, (DateTimeOffset?)null).SetProperty(l => l.DisabledByUserId, (string?)null), ct);
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

    /// <summary>Opens a mini-program link for a visitor of <c>/m/{code}</c> and counts the visit. Null when unknown.</summary>
    public async Task<MiniProgramLink?> VisitMiniProgramLinkAsync(string code, CancellationToken ct)
    {
        if (!IsCode(code, MiniProgramCodeLength)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counted = await db.MiniProgramLinks.Where(l => l.Code == code)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.VisitCount, l => l.VisitCount + 1), ct);
        return counted == 0 ? null : await db.MiniProgramLinks.AsNoTracking().SingleAsync(l => l.Code == code, ct);
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

    private async Task<T> InsertWithFreshCodeAsync<T>(int length, Func<string, T> create, CancellationToken ct) where T : class
    {
        // 62^7 codes: a collision is rare, and the unique index turns one into a retry rather than a wrong link.
        for (var attempt = 0; ; attempt++)
        {
            var entity = create(RandomNumberGenerator.GetString(Base62, length));
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
