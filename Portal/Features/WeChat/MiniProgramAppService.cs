using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.WeChat;

/// <summary>An app as its owner (or an admin) sees it: never the secret, only its last 4 characters.</summary>
public sealed record MiniProgramAppSummary(Guid Id, string AppId, string Name, string SecretLast4, bool IsDefault,
    DateTimeOffset CreatedAt, DateTimeOffset? LastTestedAt, bool? LastTestOk)
{
    /// <summary>What the list shows for the secret: <c>••••abcd</c>.</summary>
    public string MaskedSecret => "••••" + SecretLast4;

    internal static MiniProgramAppSummary Of(MiniProgramApp a) =>
        new(a.Id, a.AppId, a.Name, a.SecretLast4, a.IsDefault, a.CreatedAt, a.LastTestedAt, a.LastTestOk);
}

/// <summary>Outcome of <see cref="MiniProgramAppService.RegisterAsync"/>: the app, or an error message (Chinese).</summary>
public sealed record RegisterAppResult(MiniProgramAppSummary? App, string? Error)
{
    /// <summary>True when registered.</summary>
    public bool Succeeded => App is not null;
}

/// <summary>Outcome of a credentials test: whether an access token was obtained, and WeChat's errcode/errmsg if not.</summary>
public sealed record AppTestResult(bool Ok, int ErrCode, string? Message);

/// <summary>
/// The mini-program registry: register, list, default, delete, credential test, and the look-ups the API
/// routes use. Only the owner (and, for <see cref="GetForUserAsync"/>, admins) see an app; anyone else gets
/// "absent". AppSecrets are stored encrypted and never returned.
/// </summary>
/// <remarks>
/// The look-ups of the API routes (<see cref="FindOwnedByAppIdAsync"/>, <see cref="FindDefaultAsync"/>) are answered
/// from memory for <see cref="CachingOptions.EntryLifetime"/>; registering, deleting or changing the default through
/// this instance applies at once. The apps in use are read again together every half lifetime
/// (<see cref="RefreshInUseAsync"/>), so a busy app is never read on a request's path.
/// </remarks>
public sealed partial class MiniProgramAppService : IInUseCache
{
    /// <summary>The <see cref="ChangeFeed"/> topic published with the owner's user id after their apps change.</summary>
    public const string Topic = "app";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly AppSecretProtector protector;
    private readonly IWeChatApi weChat;
    private readonly TimeProvider time;
    private readonly ChangeFeed changes;
    private readonly TimedCache<(string UserId, string AppId), MiniProgramApp> _owned;
    private readonly TimedCache<string, MiniProgramApp> _defaults;
    // Look-ups answered since the last refresh (RefreshInUseAsync reads them again together).
    private ConcurrentDictionary<(string UserId, string AppId), byte> _ownedInUse = new();
    private ConcurrentDictionary<string, byte> _defaultsInUse = new(StringComparer.Ordinal);
    // Changes heard, counted under _cacheGate: apps read from the database are stored only when no change arrived while
    // they were read, so a deletion or a new default is never overwritten by what was read before it.
    private readonly Lock _cacheGate = new();
    private long _changes;

    /// <summary>Creates the service; its caches follow <see cref="Topic"/>.</summary>
    public MiniProgramAppService(IDbContextFactory<PortalDbContext> dbFactory, AppSecretProtector protector, IWeChatApi weChat, TimeProvider time,
        ChangeFeed changes, Microsoft.Extensions.Options.IOptions<CachingOptions> caching)
    {
        this.dbFactory = dbFactory;
        this.protector = protector;
        this.weChat = weChat;
        this.time = time;
        this.changes = changes;
        _owned = new TimedCache<(string, string), MiniProgramApp>(time, caching);
        _defaults = new TimedCache<string, MiniProgramApp>(time, caching);
        changes.Subscribe((topic, userId) =>
        {
            if (topic != Topic) return;
            lock (_cacheGate)
            {
                _changes++;
                _owned.RemoveWhere((key, _) => key.UserId == userId);
                _defaults.Remove(userId);
            }
        });
    }

    /// <summary>Longest display name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>True for a WeChat AppID: <c>wx</c> followed by 16 hex digits (docs/wechat.md §1; seed examples like <c>wx6b698b0251caccff</c>).</summary>
    public static bool IsValidAppId(string? appId) => appId is not null && AppIdPattern().IsMatch(appId);

    /// <summary>True for an AppSecret: 32 hex characters.</summary>
    public static bool IsValidSecret(string? secret) => secret is not null && SecretPattern().IsMatch(secret);

    /// <summary>Validation message (Chinese) for an AppID being typed, or null when valid.</summary>
    public static string? ValidateAppId(string? appId) =>
        string.IsNullOrWhiteSpace(appId) ? "请输入 AppID" : IsValidAppId(appId.Trim()) ? null : "AppID 应为 wx 开头加 16 位十六进制字符";

    /// <summary>Validation message (Chinese) for an AppSecret being typed, or null when valid.</summary>
    public static string? ValidateSecret(string? secret) =>
        string.IsNullOrWhiteSpace(secret) ? "请输入 AppSecret" : IsValidSecret(secret.Trim()) ? null : "AppSecret 应为 32 位十六进制字符";

    /// <summary>
    /// Registers an app for <paramref name="userId"/>. The first app becomes the default. Errors: invalid AppID or
    /// secret format, name too long, AppID already registered by this user. The display name defaults to the AppID.
    /// </summary>
    public async Task<RegisterAppResult> RegisterAsync(string userId, string? appId, string? secret, string? name, CancellationToken ct = default)
    {
        appId = appId?.Trim() ?? "";
        secret = secret?.Trim() ?? "";
        name = string.IsNullOrWhiteSpace(name) ? appId : name.Trim();
        if ((ValidateAppId(appId) ?? ValidateSecret(secret)) is { } error) return new(null, error);
        if (name.Length > MaxNameLength) return new(null, $"名称最长 {MaxNameLength} 个字符");

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.MiniProgramApps.AnyAsync(a => a.UserId == userId && a.AppId == appId, ct)) return new(null, "该 AppID 已经登记过");
        var app = new MiniProgramApp
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AppId = appId, Name = name,
            ProtectedSecret = protector.ProtectSecret(secret), SecretLast4 = secret[^4..],
            IsDefault = !await db.MiniProgramApps.AnyAsync(a => a.UserId == userId, ct), CreatedAt = now,
        };
        db.MiniProgramApps.Add(app);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new(null, "该 AppID 已经登记过");
        }
        if (app.IsDefault) await EnsureOneDefaultAsync(userId, ct);
        changes.Publish(Topic, userId);
        return new(MiniProgramAppSummary.Of(app), null);
    }

    /// <summary>The owner's apps, default first, then by registration.</summary>
    public async Task<IReadOnlyList<MiniProgramAppSummary>> ListMineAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var apps = await db.MiniProgramApps.AsNoTracking().Where(a => a.UserId == userId).ToListAsync(ct);
        return apps.OrderByDescending(a => a.IsDefault).ThenBy(a => a.Id).Select(MiniProgramAppSummary.Of).ToList();
    }

    /// <summary>App <paramref name="id"/> if <paramref name="userId"/> owns it or <paramref name="isAdmin"/>; otherwise null, as if absent.</summary>
    public async Task<MiniProgramApp?> GetForUserAsync(Guid id, string userId, bool isAdmin, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MiniProgramApps.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && (isAdmin || a.UserId == userId), ct);
    }

    /// <summary>The owner's app with WeChat AppID <paramref name="appId"/>, or null (seed 000/003: "appid not registered").</summary>
    public async Task<MiniProgramApp?> FindOwnedByAppIdAsync(string userId, string? appId, CancellationToken ct = default)
    {
        appId = appId?.Trim();
        if (!IsValidAppId(appId)) return null;
        var key = (userId, appId!);
        if (!_owned.TryGet(key, out var app))
        {
            var heard = Volatile.Read(ref _changes);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            app = await db.MiniProgramApps.AsNoTracking().SingleOrDefaultAsync(a => a.UserId == userId && a.AppId == appId, ct);
            if (app is null) return null;
            lock (_cacheGate)
                if (_changes == heard) _owned.Set(key, app);
        }
        _ownedInUse.TryAdd(key, 0);
        return app;
    }

    /// <summary>The owner's default app, or null when they registered none (seed 001 without <c>appid</c>).</summary>
    public async Task<MiniProgramApp?> FindDefaultAsync(string userId, CancellationToken ct = default)
    {
        if (!_defaults.TryGet(userId, out var app))
        {
            var heard = Volatile.Read(ref _changes);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            app = await db.MiniProgramApps.AsNoTracking().Where(a => a.UserId == userId && a.IsDefault).OrderBy(a => a.Id).FirstOrDefaultAsync(ct);
            if (app is null) return null;
            lock (_cacheGate)
                if (_changes == heard) _defaults.Set(userId, app);
        }
        _defaultsInUse.TryAdd(userId, 0);
        return app;
    }

    /// <summary>
    /// Reads every app looked up by AppID or as a default since the last call again, in one query per thousand owners,
    /// and keeps them for another <see cref="CachingOptions.EntryLifetime"/> (<see cref="InUseCacheRefresher"/> calls
    /// this every half lifetime). An app deleted since, or a default moved elsewhere, is dropped or replaced; nothing
    /// read while this instance heard a change of the owner's apps is stored.
    /// </summary>
    /// <returns>How many look-ups' apps were stored.</returns>
    public async Task<int> RefreshInUseAsync(CancellationToken ct = default)
    {
        var owned = Interlocked.Exchange(ref _ownedInUse, new()).Keys.ToLookup(k => k.UserId, k => k.AppId, StringComparer.Ordinal);
        var defaults = Interlocked.Exchange(ref _defaultsInUse, new(StringComparer.Ordinal)).Keys;
        var users = owned.Select(g => g.Key).Union(defaults, StringComparer.Ordinal).ToList();
        var wantsDefault = defaults.ToHashSet(StringComparer.Ordinal);
        var stored = 0;
        foreach (var chunk in users.Chunk(1000))
        {
            var heard = Volatile.Read(ref _changes);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var apps = (await db.MiniProgramApps.AsNoTracking().Where(a => chunk.Contains(a.UserId)).ToListAsync(ct))
                .ToLookup(a => a.UserId, StringComparer.Ordinal);
            lock (_cacheGate)
            {
                if (_changes != heard) continue;
                foreach (var userId in chunk)
                {
                    var mine = apps[userId].ToList();
                    foreach (var appId in owned[userId])
                    {
                        if (mine.Find(a => a.AppId == appId) is { } app)
                        {
                            _owned.Set((userId, appId), app);
                            stored++;
                        }
                        else _owned.Remove((userId, appId));
                    }
                    if (!wantsDefault.Contains(userId)) continue;
                    if (mine.Where(a => a.IsDefault).MinBy(a => a.Id) is { } current)
                    {
                        _defaults.Set(userId, current);
                        stored++;
                    }
                    else _defaults.Remove(userId);
                }
            }
        }
        return stored;
    }

    /// <summary>Makes app <paramref name="id"/> the owner's only default. Returns false when the owner has no such app.</summary>
    public async Task<bool> SetDefaultAsync(string userId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.MiniProgramApps.AnyAsync(a => a.Id == id && a.UserId == userId, ct)) return false;
        // One statement sets every flag, so there is never a moment with two defaults or none.
        await db.MiniProgramApps.Where(a => a.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsDefault, a => a.Id == id), ct);
        changes.Publish(Topic, userId);
        return true;
    }

    /// <summary>
    /// Deletes one of the owner's apps with its token and sessions. When it was the default, the oldest remaining app
    /// becomes the default. Returns false when the owner has no such app.
    /// </summary>
    public async Task<bool> DeleteAsync(string userId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.WeChatSessions.Where(s => s.AppRowId == id && db.MiniProgramApps.Any(a => a.Id == id && a.UserId == userId)).ExecuteDeleteAsync(ct);
        await db.WeChatAccessTokens.Where(t => t.AppRowId == id && db.MiniProgramApps.Any(a => a.Id == id && a.UserId == userId)).ExecuteDeleteAsync(ct);
        var deleted = await db.MiniProgramApps.Where(a => a.Id == id && a.UserId == userId).ExecuteDeleteAsync(ct);
        if (deleted == 0) return false;
        await EnsureOneDefaultAsync(userId, ct);
        changes.Publish(Topic, userId);
        return true;
    }

    /// <summary>
    /// Tests the owner's app credentials by obtaining an access token (normal mode, so a valid cached token passes
    /// without a call) and records the outcome. Returns null when the owner has no such app.
    /// </summary>
    public async Task<AppTestResult?> TestCredentialsAsync(string userId, Guid id, CancellationToken ct = default)
    {
        var app = await GetForUserAsync(id, userId, false, ct);
        if (app is null) return null;
        var token = await weChat.GetAccessTokenAsync(app, false, ct);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.MiniProgramApps.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.LastTestedAt, now).SetProperty(a => a.LastTestOk, token.Succeeded), ct);
        return new AppTestResult(token.Succeeded, token.ErrCode, token.ErrMsg);
    }

    /// <summary>True when <paramref name="candidate"/> is the app's AppSecret (constant-time compare, seed 003 <c>{secret}</c>).</summary>
    public bool SecretMatches(MiniProgramApp app, string? candidate) => protector.SecretMatches(app, candidate);

    /// <summary>The app's AppSecret in clear. Internal: for the WeChat client only; never log or return it.</summary>
    internal string UnprotectSecret(MiniProgramApp app) => protector.UnprotectSecret(app);

    /// <summary>Leaves exactly one default among the owner's apps (the current one if any, else the oldest).</summary>
    private async Task EnsureOneDefaultAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var apps = await db.MiniProgramApps.Where(a => a.UserId == userId).Select(a => new { a.Id, a.IsDefault, a.CreatedAt }).ToListAsync(ct);
        if (apps.Count == 0 || apps.Count(a => a.IsDefault) == 1) return;
        // Oldest by registration time: ids of apps registered within one millisecond do not sort by age.
        var keep = (apps.Any(a => a.IsDefault) ? apps.Where(a => a.IsDefault) : apps).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).First().Id;
        await db.MiniProgramApps.Where(a => a.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsDefault, a => a.Id == keep), ct);
    }

    [GeneratedRegex("^wx[0-9a-fA-F]{16}$")]
    private static partial Regex AppIdPattern();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex SecretPattern();
}
