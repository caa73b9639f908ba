using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.MiniProgramCodes;

/// <summary>A stored code as listed to its owner (no bytes).</summary>
/// <param name="Id">Row id.</param>
/// <param name="PublicId">Public id for <c>/codes/{PublicId}</c>.</param>
/// <param name="AppId">Mini-program AppID.</param>
/// <param name="Kind">Interface used.</param>
/// <param name="Scene">Scene (unlimited codes).</param>
/// <param name="Page">Page or path.</param>
/// <param name="Width">Pixels.</param>
/// <param name="ContentType">Image MIME type.</param>
/// <param name="Size">Bytes.</param>
/// <param name="CreatedAt">Created (UTC).</param>
/// <param name="ExpiresAt">End of retention (UTC).</param>
/// <param name="AppName">Display name the owner gave the mini-program, or null when it is no longer registered.</param>
public sealed record CodeImageRow(
    Guid Id, string PublicId, string AppId, CodeKind Kind, string? Scene, string Page, int Width,
    string ContentType, int Size, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? AppName = null);

/// <summary>
/// Storage of generated code images: the result cache (<see cref="MiniProgramCodesOptions.CacheTtl"/>), the public
/// image lookup, the owner's history and retention (<see cref="MiniProgramCodesOptions.Retention"/>).
/// </summary>
/// <remarks>
/// The cache is also kept in memory (an image never changes), so a repeated request costs no database read; at most
/// <see cref="MemoryCacheEntries"/> images are held.
/// </remarks>
public sealed class MiniProgramCodeStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<MiniProgramCodesOptions> options)
{
    /// <summary>Most images the in-memory cache holds.</summary>
    public const int MemoryCacheEntries = 2_000;

    private readonly Infrastructure.Caching.TimedCache<(string UserId, string Hash), MiniProgramCodeImage> _recent =
        new(time, options.Value.CacheTtl, MemoryCacheEntries);

    /// <summary>Length of a public id in base62 characters (62^22 ≈ 2^131).</summary>
    public const int PublicIdLength = 22;


    /// <summary>
    /// The owner's newest image for <paramref name="requestHash"/> younger than the cache TTL and still retained, or
    /// null (also when the TTL is zero).
    /// </summary>
    public async Task<MiniProgramCodeImage?> FindCachedAsync(string userId, string requestHash, CancellationToken ct)
    {
        var ttl = options.Value.CacheTtl;
        if (ttl <= TimeSpan.Zero) return null;
        var now = time.GetUtcNow();
        var since = now - ttl;
        if (_recent.TryGet((userId, requestHash), out var recent) && recent.CreatedAt >= since && recent.ExpiresAt > now) return recent;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var image = await db.MiniProgramCodeImages.AsNoTracking()
            .Where(i => i.UserId == userId && i.RequestHash == requestHash && i.CreatedAt >= since && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).FirstOrDefaultAsync(ct);
        if (image is not null) Remember(image, now);
        return image;
    }

    private void Remember(MiniProgramCodeImage image, DateTimeOffset now)
    {
        var left = image.CreatedAt + options.Value.CacheTtl - now;
        if (left > TimeSpan.Zero) _recent.Set((image.UserId, image.RequestHash), image, left);
    }

    /// <summary>Stores a freshly generated image with a new public id and the configured retention.</summary>
    public async Task<MiniProgramCodeImage> SaveAsync(
        string userId, string appId, CodeRequest request, string requestHash, byte[] bytes, string contentType, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var retention = options.Value.Retention > options.Value.CacheTtl ? options.Value.Retention : options.Value.CacheTtl;
        var image = new MiniProgramCodeImage
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AppId = appId, Kind = request.Kind, RequestHash = requestHash,
            PublicId = NewPublicId(), Bytes = bytes, ContentType = contentType, Size = bytes.Length, Scene = request.Scene,
            Page = request.PageOrPath, Width = request.Width, CreatedAt = now, ExpiresAt = now + retention,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.MiniProgramCodeImages.Add(image);
        await db.SaveChangesAsync(ct);
        Remember(image, now);
        return image;
    }

    /// <summary>The image served at <c>/codes/{publicId}</c>, or null when unknown, malformed or past retention.</summary>
    public async Task<MiniProgramCodeImage?> FindPublicAsync(string publicId, CancellationToken ct)
    {
        if (!IsPublicId(publicId)) return null;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MiniProgramCodeImages.AsNoTracking().SingleOrDefaultAsync(i => i.PublicId == publicId && i.ExpiresAt > now, ct);
    }

    /// <summary>One page of the owner's retained images, newest first, and the total count.</summary>
    public async Task<(IReadOnlyList<CodeImageRow> Items, int Total)> ListAsync(string userId, int skip, int take, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.MiniProgramCodeImages.AsNoTracking().Where(i => i.UserId == userId && i.ExpiresAt > now);
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(i => i.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(i => new CodeImageRow(i.Id, i.PublicId, i.AppId, i.Kind, i.Scene, i.Page, i.Width, i.ContentType, i.Size, i.CreatedAt, i.ExpiresAt,
                db.MiniProgramApps.Where(a => a.UserId == i.UserId && a.AppId == i.AppId).Select(a => a.Name).FirstOrDefault()))
            .ToListAsync(ct);
        return (items, total);
    }

    /// <summary>Deletes images past their retention. Returns how many were deleted. Re-entrant.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MiniProgramCodeImages.Where(i => i.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    /// <summary>True for a well-formed public id (22 base62 characters).</summary>
    public static bool IsPublicId(string? id) => id is { Length: PublicIdLength } && Base62.IsBase62(id);

    private static string NewPublicId() => Base62.Random(PublicIdLength);
}
