using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.WeChat;

/// <summary>One app's token state as the admin page shows it (never the token itself).</summary>
/// <param name="AppRowId">The app's row id.</param>
/// <param name="AppId">WeChat AppID.</param>
/// <param name="Name">Display name.</param>
/// <param name="OwnerEmail">The owner's e-mail, when known.</param>
/// <param name="HasToken">True when a token is stored.</param>
/// <param name="FetchedAt">When the stored token was fetched (UTC).</param>
/// <param name="ExpiresAt">When Portal stops using it (UTC).</param>
/// <param name="LastForcedAt">Last force refresh (UTC).</param>
/// <param name="ForcedToday">Force refreshes made today (UTC day).</param>
public sealed record WeChatTokenStatus(Guid AppRowId, string AppId, string Name, string? OwnerEmail, bool HasToken,
    DateTimeOffset? FetchedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastForcedAt, int ForcedToday);

/// <summary>
/// Database persistence of the centrally managed access tokens (docs/wechat.md §2.1, §9.2.1–2): one row per app holding
/// the encrypted token, its expiry, the cross-instance refresh lease and the force-refresh counters. Every write is a
/// single conditional UPDATE, so concurrent instances cannot lose each other's changes.
/// </summary>
public sealed class WeChatTokenStore(IDbContextFactory<PortalDbContext> dbFactory, AppSecretProtector protector, TimeProvider time)
{
    /// <summary>WeChat allows at most 20 forced refreshes a day per app (D-SAT).</summary>
    public const int MaxForcedPerDay = 20;

    /// <summary>WeChat ignores forced refreshes less than 30 s apart (D-SAT).</summary>
    public static readonly TimeSpan MinForcedSpacing = TimeSpan.FromSeconds(30);

    /// <summary>This process's lease-owner id.</summary>
    private readonly string _instanceId = Guid.NewGuid().ToString("N");

    /// <summary>The stored token when it is still valid at "now", else null.</summary>
    public async Task<WeChatAccessToken?> GetValidAsync(Guid appRowId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.WeChatAccessTokens.AsNoTracking()
            .Where(t => t.AppRowId == appRowId && t.ProtectedToken != null && t.ExpiresAt > now)
            .Select(t => new { t.ProtectedToken, t.FetchedAt, t.ExpiresAt })
            .SingleOrDefaultAsync(ct);
        return row is null ? null : new WeChatAccessToken(protector.UnprotectAccessToken(row.ProtectedToken!), row.FetchedAt!.Value, row.ExpiresAt!.Value);
    }

    /// <summary>
    /// Takes the cross-instance refresh lease for <paramref name="duration"/> unless another instance holds an
    /// unexpired one. Returns true when this instance now holds it.
    /// </summary>
    public async Task<bool> TryAcquireLeaseAsync(Guid appRowId, TimeSpan duration, CancellationToken ct)
    {
        await EnsureRowAsync(appRowId, ct);
        var now = time.GetUtcNow();
        var until = now + duration;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var taken = await db.WeChatAccessTokens
            .Where(t => t.AppRowId == appRowId && (t.LeaseExpiresAt == null || t.LeaseExpiresAt <= now || t.LeaseOwner == _instanceId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, _instanceId).SetProperty(t => t.LeaseExpiresAt, until), ct);
        return taken == 1;
    }

    /// <summary>Releases this instance's lease (no-op when another instance holds it).</summary>
    public async Task ReleaseLeaseAsync(Guid appRowId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.WeChatAccessTokens.Where(t => t.AppRowId == appRowId && t.LeaseOwner == _instanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseExpiresAt, (DateTimeOffset?)null));
    }

    /// <summary>Stores a freshly fetched token (encrypted) and releases this instance's lease.</summary>
    public async Task SaveAsync(Guid appRowId, WeChatAccessToken token, CancellationToken ct)
    {
        await EnsureRowAsync(appRowId, ct);
        var protectedToken = protector.ProtectAccessToken(token.Token);
        var hash = AppSecretProtector.Sha256Hex(token.Token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.WeChatAccessTokens.Where(t => t.AppRowId == appRowId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.ProtectedToken, protectedToken).SetProperty(t => t.TokenHash, hash)
            .SetProperty(t => t.FetchedAt, token.FetchedAt).SetProperty(t => t.ExpiresAt, token.ExpiresAt)
            .SetProperty(t => t.LeaseOwner, t => t.LeaseOwner == _instanceId ? null : t.LeaseOwner)
            .SetProperty(t => t.LeaseExpiresAt, t => t.LeaseOwner == _instanceId ? null : t.LeaseExpiresAt), ct);
    }

    /// <summary>
    /// Expires the stored token only if it is still <paramref name="failedToken"/> (docs/wechat.md §2.2 compare-and-clear):
    /// a token another request already replaced is left alone, so a burst of 40001s causes one refresh, not many.
    /// Returns true when this call expired it.
    /// </summary>
    public async Task<bool> ExpireIfCurrentAsync(Guid appRowId, string failedToken, CancellationToken ct)
    {
        var hash = AppSecretProtector.Sha256Hex(failedToken);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WeChatAccessTokens.Where(t => t.AppRowId == appRowId && t.TokenHash == hash)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ProtectedToken, (string?)null).SetProperty(t => t.TokenHash, (string?)null)
                .SetProperty(t => t.ExpiresAt, now), ct) == 1;
    }

    /// <summary>
    /// Reserves one forced refresh if WeChat's limit allows it (≥ 30 s since the last, &lt; 20 today, UTC day),
    /// recording it atomically. Returns null when reserved, else the reason (Chinese) it was refused.
    /// </summary>
    public async Task<string?> TryReserveForcedRefreshAsync(Guid appRowId, CancellationToken ct)
    {
        await EnsureRowAsync(appRowId, ct);
        var now = time.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var spacing = now - MinForcedSpacing;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reserved = await db.WeChatAccessTokens
            .Where(t => t.AppRowId == appRowId && (t.LastForcedAt == null || t.LastForcedAt <= spacing)
                && (t.ForcedDay != today || t.ForcedCount < MaxForcedPerDay))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.ForcedCount, t => t.ForcedDay == today ? t.ForcedCount + 1 : 1)
                .SetProperty(t => t.ForcedDay, today).SetProperty(t => t.LastForcedAt, now), ct);
        if (reserved == 1) return null;
        var row = await db.WeChatAccessTokens.AsNoTracking().SingleAsync(t => t.AppRowId == appRowId, ct);
        return row.LastForcedAt is { } last && last > spacing
            ? $"强制刷新过于频繁：两次强制刷新至少间隔 {MinForcedSpacing.TotalSeconds:0} 秒"
            : $"今日强制刷新次数已达上限（{MaxForcedPerDay} 次）";
    }

    /// <summary>Every app with its token state, for the admin page, ordered by AppID.</summary>
    public async Task<IReadOnlyList<WeChatTokenStatus>> ListAsync(CancellationToken ct)
    {
        var today = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (from a in db.MiniProgramApps.AsNoTracking()
                          join u in db.Users.AsNoTracking() on a.UserId equals u.Id into users
                          from u in users.DefaultIfEmpty()
                          join t in db.WeChatAccessTokens.AsNoTracking() on a.Id equals t.AppRowId into tokens
                          from t in tokens.DefaultIfEmpty()
                          select new
                          {
                              a.Id, a.AppId, a.Name, Email = u == null ? null : u.Email,
                              HasToken = t != null && t.ProtectedToken != null,
                              FetchedAt = t == null ? null : t.FetchedAt, ExpiresAt = t == null ? null : t.ExpiresAt,
                              LastForcedAt = t == null ? null : t.LastForcedAt, ForcedDay = t == null ? null : t.ForcedDay,
                              ForcedCount = t == null ? 0 : t.ForcedCount,
                          }).ToListAsync(ct);
        return rows.OrderBy(r => r.AppId, StringComparer.Ordinal).ThenBy(r => r.Id)
            .Select(r => new WeChatTokenStatus(r.Id, r.AppId, r.Name, r.Email, r.HasToken, r.FetchedAt, r.ExpiresAt,
                r.LastForcedAt, r.ForcedDay == today ? r.ForcedCount : 0))
            .ToList();
    }

    private Task EnsureRowAsync(Guid appRowId, CancellationToken ct) =>
        dbFactory.InsertIfMissingAsync<WeChatTokenState>(t => t.AppRowId == appRowId, () => new WeChatTokenState { AppRowId = appRowId }, ct);
}
