using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Accounts;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Issuing, listing, revoking and verifying API tokens. Verification reads from memory: a token's facts (owner, expiry,
/// revocation, allow-list, daily cap, the owner's suspension) are kept for <see cref="CachingOptions.EntryLifetime"/>
/// and dropped at once when this instance revokes the token or suspends its owner. Last use is recorded through
/// <see cref="CoalescedCounters"/>, not on the request path.
/// </summary>
public sealed class ApiTokenService : IInUseCache
{
    /// <summary>The <see cref="ChangeFeed"/> topic published with the token id after a revocation.</summary>
    public const string Topic = "api-token";

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly TimeProvider time;
    private readonly CoalescedCounters counters;
    private readonly ChangeFeed changes;
    private readonly TimedCache<string, TokenFacts> _byHash;
    private readonly TimedCache<Guid, TokenFacts> _byId;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastRecordedUse = new();
    private readonly TimedCache<string, IReadOnlySet<string>> _listedOrigins;
    // Hashes of tokens verified since the last refresh (RefreshInUseAsync reads them again together).
    private ConcurrentDictionary<string, byte> _inUse = new(StringComparer.Ordinal);
    // Changes heard (revocations, edits, suspensions), counted under _cacheGate: facts read from the database are stored
    // only when no change arrived while they were read, so a revocation is never overwritten by what was read before it.
    private readonly Lock _cacheGate = new();
    private long _changes;

    private readonly IOptions<ApiTokenOptions> _options;

    /// <summary>What verification needs to know about a token (no secret).</summary>
    private sealed record TokenFacts(Guid Id, string UserId, string Hash, DateTimeOffset? ExpiresAt, bool Revoked, bool OwnerSuspended,
        string? AllowedIps, long? DailySpendCapFen, string? AllowedOrigins);

    /// <summary>Creates the service and subscribes its cache to revocations and suspensions.</summary>
    public ApiTokenService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IOptions<CachingOptions> caching,
        CoalescedCounters counters, ChangeFeed changes, IOptions<ApiTokenOptions> options)
    {
        _options = options;
        this.dbFactory = dbFactory;
        this.time = time;
        this.counters = counters;
        this.changes = changes;
        _byHash = new TimedCache<string, TokenFacts>(time, caching);
        _byId = new TimedCache<Guid, TokenFacts>(time, caching);
        _listedOrigins = new TimedCache<string, IReadOnlySet<string>>(time, caching);
        changes.Subscribe((topic, key) =>
        {
            if (topic == UserSuspension.Topic)
            {
                lock (_cacheGate)
                {
                    _changes++;
                    _byHash.RemoveWhere((_, t) => t.UserId == key);
                    _byId.RemoveWhere((_, t) => t.UserId == key);
                }
            }
            else if (topic == Topic && Guid.TryParse(key, out var id))
            {
                lock (_cacheGate)
                {
                    _changes++;
                    _byHash.RemoveWhere((_, t) => t.Id == id);
                    _byId.Remove(id);
                }
                _listedOrigins.Remove("");
            }
        });
    }

    /// <summary>Longest token name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Last-used time is recorded at most this often per token.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Issues a token for <paramref name="userId"/>.</summary>
    /// <param name="userId">Owner.</param>
    /// <param name="name">Label, 1–100 characters.</param>
    /// <param name="expiresAt">Optional expiry (must be in the future).</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="dailySpendCapFen">Optional cap on spend per UTC day, in fen (≥ 0).</param>
    /// <param name="allowedIps">Optional IP allow-list (see <see cref="ApiTokenIpAllowList"/>).</param>
    /// <param name="allowedOrigins">Optional browser origins allowed to call with the token (see <see cref="ApiTokenOriginAllowList"/>).</param>
    /// <param name="test">True for a test-mode token (<see cref="ApiTokenFormat.TestPrefix"/>).</param>
    /// <exception cref="ArgumentException">Empty or too long name, an expiry not in the future, a negative cap or a bad allow-list.</exception>
    /// <exception cref="TooManyTokensException">The user already has <see cref="ApiTokenOptions.MaxLivePerUser"/> live tokens.</exception>
    public async Task<IssuedApiToken> IssueAsync(string userId, string name, DateTimeOffset? expiresAt, CancellationToken ct = default,
        long? dailySpendCapFen = null, string? allowedIps = null, string? allowedOrigins = null, bool test = false)
    {
        if (dailySpendCapFen is < 0) throw new ArgumentException("the daily cap must not be negative", nameof(dailySpendCapFen));
        var (ipList, ipError) = ApiTokenIpAllowList.Normalize(allowedIps);
        if (ipError is not null) throw new ArgumentException(ipError, nameof(allowedIps));
        var (originList, originError) = ApiTokenOriginAllowList.Normalize(allowedOrigins);
        if (originError is not null) throw new ArgumentException(originError, nameof(allowedOrigins));
        name = (name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength) throw new ArgumentException($"name must be 1–{MaxNameLength} characters", nameof(name));
        var now = time.GetUtcNow();
        if (expiresAt is { } e && e <= now) throw new ArgumentException("expiry must be in the future", nameof(expiresAt));

        await using (var count = await dbFactory.CreateDbContextAsync(ct))
        {
            var live = await count.ApiTokens.Where(t => t.UserId == userId).CountAsync(ApiToken.ActiveAt(now), ct);
            if (live >= _options.Value.MaxLivePerUser) throw new TooManyTokensException(_options.Value.MaxLivePerUser);
        }

        var secret = ApiTokenFormat.Generate(test);
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now), UserId = userId, Name = name,
            Prefix = ApiTokenFormat.DisplayPrefixOf(secret), Last4 = secret[^4..],
            Hash = ApiTokenFormat.Hash(secret), CreatedAt = now, ExpiresAt = expiresAt?.ToUniversalTime(),
            DailySpendCapFen = dailySpendCapFen, AllowedIps = ipList, AllowedOrigins = originList,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        if (originList is not null) changes.Publish(Topic, token.Id.ToString());
        return new IssuedApiToken(ToSummary(token), secret);
    }

    /// <summary>
    /// Changes one of the owner's live (not revoked) tokens: its name, expiry, daily spend cap, IP allow-list and allowed
    /// browser origins, each
    /// validated as in <see cref="IssueAsync"/>. The secret stays the same. This instance applies the change to the next
    /// call at once; other instances within the cache lifetime.
    /// </summary>
    /// <param name="userId">Owner.</param>
    /// <param name="tokenId">The token.</param>
    /// <param name="name">New label, 1–100 characters (trimmed).</param>
    /// <param name="expiresAt">New expiry (in the future), or null for none.</param>
    /// <param name="dailySpendCapFen">Cap on spend per UTC day in fen (≥ 0), or null for none.</param>
    /// <param name="allowedIps">IP allow-list (see <see cref="ApiTokenIpAllowList"/>), or null/blank for any address.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="allowedOrigins">Browser origins (see <see cref="ApiTokenOriginAllowList"/>), or null/blank for server-to-server only.</param>
    /// <returns>False when the owner has no such live token.</returns>
    /// <exception cref="ArgumentException">Empty or too long name, an expiry not in the future, a negative cap or a bad allow-list.</exception>
    public async Task<bool> UpdateAsync(string userId, Guid tokenId, string name, DateTimeOffset? expiresAt, long? dailySpendCapFen,
        string? allowedIps, CancellationToken ct = default, string? allowedOrigins = null)
    {
        if (dailySpendCapFen is < 0) throw new ArgumentException("the daily cap must not be negative", nameof(dailySpendCapFen));
        var (ipList, ipError) = ApiTokenIpAllowList.Normalize(allowedIps);
        if (ipError is not null) throw new ArgumentException(ipError, nameof(allowedIps));
        var (originList, originError) = ApiTokenOriginAllowList.Normalize(allowedOrigins);
        if (originError is not null) throw new ArgumentException(originError, nameof(allowedOrigins));
        name = (name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength) throw new ArgumentException($"name must be 1–{MaxNameLength} characters", nameof(name));
        if (expiresAt is { } e && e <= time.GetUtcNow()) throw new ArgumentException("expiry must be in the future", nameof(expiresAt));
        var expiry = expiresAt?.ToUniversalTime();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Name, name)
                .SetProperty(t => t.ExpiresAt, expiry)
                .SetProperty(t => t.DailySpendCapFen, dailySpendCapFen)
                .SetProperty(t => t.AllowedIps, ipList)
                .SetProperty(t => t.AllowedOrigins, originList), ct);
        if (rows == 0) return false;
        changes.Publish(Topic, tokenId.ToString());
        return true;
    }

    /// <summary>The owner's tokens, newest first.</summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.Id).ToListAsync(ct);
        return rows.Select(ToSummary).ToList();
    }

    /// <summary>
    /// Admin: finds live tokens by id (a GUID) or by the start of the token as lists show it (e.g. <c>wxp_7Hq2xY</c>).
    /// </summary>
    public async Task<IReadOnlyList<ApiTokenSummary>> FindAsync(string idOrPrefix, CancellationToken ct = default)
    {
        idOrPrefix = idOrPrefix.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.ApiTokens.AsNoTracking().Where(t => t.RevokedAt == null);
        var prefixLength = ApiTokenFormat.DisplayPrefixLength + (ApiTokenFormat.IsTest(idOrPrefix) ? ApiTokenFormat.TestPrefix.Length - ApiTokenFormat.Prefix.Length : 0);
        var prefix = idOrPrefix.Length >= prefixLength ? idOrPrefix[..prefixLength] : null;
        q = Guid.TryParse(idOrPrefix, out var id) ? q.Where(t => t.Id == id)
            : prefix is not null ? q.Where(t => t.Prefix == prefix)
            : q.Where(_ => false);
        return (await q.Take(20).ToListAsync(ct)).Select(ToSummary).ToList();
    }

    /// <summary>Admin: revokes token <paramref name="tokenId"/> of any user. Returns false when there is no such token.</summary>
    public async Task<bool> RevokeAnyAsync(Guid tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userId = await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.UserId).SingleOrDefaultAsync(ct);
        return userId is not null && await RevokeAsync(userId, tokenId, ct);
    }

    /// <summary>Revokes one of the owner's tokens. Returns false when the owner has no such token.</summary>
    public async Task<bool> RevokeAsync(string userId, Guid tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct);
        if (token is null) return false;
        token.Revoke(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        changes.Publish(Topic, token.Id.ToString());
        return true;
    }

    /// <summary>
    /// Verifies a presented token: well-formed (checked before any lookup), known by hash, not revoked or expired,
    /// its owner not suspended by an admin (a sign-in lockout after wrong passwords does not stop tokens), and the
    /// caller's IP on the token's allow-list when it has one. Records last use (time and IP) at most once per
    /// <see cref="LastUsedResolution"/>, written by the next counter flush.
    /// </summary>
    /// <returns>The principal, or null when the token must be refused.</returns>
    public async Task<ApiTokenPrincipal?> AuthenticateAsync(string presented, string? remoteIp, CancellationToken ct = default)
    {
        if (!ApiTokenFormat.IsWellFormed(presented)) return null;
        var hash = ApiTokenFormat.Hash(presented);
        if (!_byHash.TryGet(hash, out var token))
        {
            token = await LoadAsync(hash, ct);
            if (token is null) return null;
        }
        _inUse.TryAdd(hash, 0);
        var now = time.GetUtcNow();
        if (token.Revoked || token.OwnerSuspended || token.ExpiresAt is { } e && e <= now) return null;
        if (!ApiTokenIpAllowList.Allows(token.AllowedIps, remoteIp)) return null;

        if (!_lastRecordedUse.TryGetValue(token.Id, out var recorded) || recorded < now - LastUsedResolution)
        {
            _lastRecordedUse[token.Id] = now;
            counters.TokenUsed(token.Id, now, remoteIp is { Length: > 64 } ? remoteIp[..64] : remoteIp);
        }
        return new ApiTokenPrincipal(token.Id, token.UserId, ApiTokenFormat.IsTest(presented), token.AllowedOrigins);
    }

    /// <summary>
    /// True when some live token lists <paramref name="origin"/> among its allowed browser origins: what a CORS
    /// preflight (which carries no token) is answered from. The set is held in memory for
    /// <see cref="CachingOptions.EntryLifetime"/> and dropped on every token change, so a flood of preflights costs no
    /// database work. The call itself is then checked against its own token's list.
    /// </summary>
    public async ValueTask<bool> IsListedOriginAsync(string? origin, CancellationToken ct = default)
    {
        if (ApiTokenOriginAllowList.NormalizeOrigin(origin) is not { } normalized) return false;
        if (!_listedOrigins.TryGet("", out var listed))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = time.GetUtcNow();
            var lists = await db.ApiTokens.AsNoTracking()
                .Where(t => t.AllowedOrigins != null && t.RevokedAt == null)
                .Select(t => new { t.AllowedOrigins, t.ExpiresAt }).ToListAsync(ct);
            listed = lists.Where(t => t.ExpiresAt is null || t.ExpiresAt > now)
                .SelectMany(t => ApiTokenOriginAllowList.Entries(t.AllowedOrigins)).ToHashSet(StringComparer.Ordinal);
            _listedOrigins.Set("", listed);
        }
        return listed.Contains(normalized);
    }

    /// <summary>The token's daily spend cap in fen, or null when it has none (or does not exist).</summary>
    public async ValueTask<long?> DailySpendCapFenAsync(Guid tokenId, CancellationToken ct = default)
    {
        if (_byId.TryGet(tokenId, out var token)) return token.DailySpendCapFen;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hash = await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.Hash).SingleOrDefaultAsync(ct);
        return hash is null ? null : (await LoadAsync(hash, ct))?.DailySpendCapFen;
    }

    private async Task<TokenFacts?> LoadAsync(string hash, CancellationToken ct)
    {
        var heard = Volatile.Read(ref _changes);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await Facts(db, db.ApiTokens.Where(t => t.Hash == hash)).SingleOrDefaultAsync(ct);
        if (token is not null) Remember([token], heard);
        return token;
    }

    /// <summary>
    /// Reads the facts of every token verified since the last call again, in one query per thousand, and keeps them for
    /// another <see cref="CachingOptions.EntryLifetime"/>: a token in use is then never read on a request's path, and
    /// its facts are never older than the refresh interval (<see cref="InUseCacheRefresher"/> calls this every half
    /// lifetime). Facts are stored only when no revocation, edit or suspension was heard while they were read; tokens
    /// gone from the database are dropped.
    /// </summary>
    /// <returns>How many tokens' facts were stored.</returns>
    public async Task<int> RefreshInUseAsync(CancellationToken ct = default)
    {
        var hashes = Interlocked.Exchange(ref _inUse, new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).Keys.ToList();
        var stored = 0;
        foreach (var chunk in hashes.Chunk(1000))
        {
            var heard = Volatile.Read(ref _changes);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var facts = await Facts(db, db.ApiTokens.Where(t => chunk.Contains(t.Hash))).ToListAsync(ct);
            if (!Remember(facts, heard)) continue;
            stored += facts.Count;
            lock (_cacheGate)
            {
                foreach (var gone in chunk.Except(facts.Select(f => f.Hash), StringComparer.Ordinal))
                {
                    if (_byHash.TryGet(gone, out var token)) _byId.Remove(token.Id);
                    _byHash.Remove(gone);
                }
            }
        }
        return stored;
    }

    private static IQueryable<TokenFacts> Facts(PortalDbContext db, IQueryable<ApiToken> tokens) =>
        tokens.AsNoTracking().Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new TokenFacts(
            t.Id, t.UserId, t.Hash, t.ExpiresAt, t.RevokedAt != null, u.SuspendedAt != null, t.AllowedIps, t.DailySpendCapFen, t.AllowedOrigins));

    // Stores facts read after `heard` changes, unless another change arrived meanwhile (then the entries are left to
    // expire or to be dropped, and read again on their next use).
    private bool Remember(IReadOnlyList<TokenFacts> facts, long heard)
    {
        lock (_cacheGate)
        {
            if (_changes != heard) return false;
            foreach (var token in facts)
            {
                _byHash.Set(token.Hash, token);
                _byId.Set(token.Id, token);
            }
            return true;
        }
    }

    private static ApiTokenSummary ToSummary(ApiToken t) =>
        new(t.Id, t.Name, t.Prefix, t.Last4, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.LastUsedIp, t.RevokedAt, t.DailySpendCapFen, t.AllowedIps, t.AllowedOrigins);
}
