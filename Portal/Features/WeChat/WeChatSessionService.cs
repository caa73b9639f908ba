using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.WeChat;

/// <summary>
/// Seed-003 login sessions: <c>code2Session</c> stores openid, unionid and the encrypted session_key and hands out an
/// opaque token (<c>wxs_</c> + 43 base64url characters; only its SHA-256 is stored), which <c>openId</c>,
/// <c>unionId</c> and <c>decode</c> accept.
/// </summary>
public sealed class WeChatSessionService(
    IDbContextFactory<PortalDbContext> dbFactory, AppSecretProtector protector, IOptions<WeChatOptions> options, TimeProvider time)
{
    /// <summary>Prefix of every session token.</summary>
    public const string TokenPrefix = "wxs_";

    /// <summary>
    /// Stores a session for <paramref name="app"/> and returns its token (shown once, never stored in clear). The
    /// user's older sessions of the same app get the new session_key, as WeChat has just invalidated the old one.
    /// </summary>
    public async Task<string> CreateAsync(MiniProgramApp app, WeChatLogin login, CancellationToken ct)
    {
        // A test-mode session is never stored: its token is derived from the app and the simulated login.
        if (app.IsSandbox) return SandboxToken(app, login);
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var protectedKey = protector.ProtectSessionKey(login.SessionKey);
        var id = Guid.CreateVersion7(now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.WeChatSessions.Add(new WeChatSession
        {
            Id = id, TokenHash = AppSecretProtector.Sha256Hex(token), AppRowId = app.Id,
            OpenId = login.OpenId, UnionId = login.UnionId, ProtectedSessionKey = protectedKey,
            CreatedAt = now, ExpiresAt = now + options.Value.SessionLifetime,
        });
        await db.SaveChangesAsync(ct);
        // A user has one valid session_key at a time and a new login replaces it (docs/wechat.md §3): the user's older
        // sessions keep working, with the latest key.
        await db.WeChatSessions.Where(s => s.AppRowId == app.Id && s.OpenId == login.OpenId && s.Id != id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtectedSessionKey, protectedKey), ct);
        return token;
    }

    /// <summary>The unexpired session of <paramref name="app"/> with <paramref name="token"/>, or null (seed 003 code 1000).</summary>
    public async Task<WeChatSession?> FindAsync(MiniProgramApp app, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token)) return null;
        if (app.IsSandbox) return FindSandbox(app, token.Trim());
        var hash = AppSecretProtector.Sha256Hex(token.Trim());
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WeChatSessions.AsNoTracking().SingleOrDefaultAsync(s => s.TokenHash == hash && s.AppRowId == app.Id && s.ExpiresAt > now, ct);
    }

    /// <summary>
    /// The session token of a simulated login for a test-mode app: <c>wxs_</c> + 43 base64url characters like any other,
    /// derived from the owner, the AppID and the login, so the same login always gives the same token.
    /// </summary>
    public static string SandboxToken(MiniProgramApp app, WeChatLogin login) =>
        TokenPrefix + Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"portal-sandbox-session\n{app.UserId}\n{app.AppId}\n{login.OpenId}\n{login.UnionId}")));

    private WeChatSession? FindSandbox(MiniProgramApp app, string token)
    {
        foreach (var login in WeChatSimulator.Logins.Values)
        {
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(SandboxToken(app, login)), Encoding.ASCII.GetBytes(token))) continue;
            return new WeChatSession
            {
                TokenHash = AppSecretProtector.Sha256Hex(token), AppRowId = app.Id, OpenId = login.OpenId, UnionId = login.UnionId,
                ProtectedSessionKey = protector.ProtectSessionKey(login.SessionKey), CreatedAt = time.GetUtcNow(), ExpiresAt = DateTimeOffset.MaxValue,
            };
        }
        return null;
    }

    /// <summary>The base64 session_key of <paramref name="session"/>. Never log or return it.</summary>
    internal string SessionKeyOf(WeChatSession session) => protector.UnprotectSessionKey(session.ProtectedSessionKey);

    /// <summary>Deletes expired sessions; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WeChatSessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// WeChat open-data decryption (docs/wechat.md §4): AES-128-CBC with PKCS#7 padding, a 16-byte key (the session_key) and
/// a 16-byte iv, all base64; the plaintext is a JSON object whose <c>watermark.appid</c> must be the app's AppID.
/// Fails closed: any error is a plain <c>false</c>.
/// </summary>
public static class WeChatDataCrypto
{
    /// <summary>Decrypts and checks the watermark. Returns the JSON object, or null on any failure.</summary>
    /// <param name="sessionKey">Base64 session_key (16 bytes).</param>
    /// <param name="encryptedData">Base64 ciphertext (a space is read as <c>+</c>, for callers that did not URL-encode).</param>
    /// <param name="iv">Base64 iv (16 bytes).</param>
    /// <param name="appId">The AppID the watermark must name.</param>
    public static JsonElement? TryDecrypt(string sessionKey, string encryptedData, string iv, string appId)
    {
        var key = FromBase64(sessionKey);
        var ivBytes = FromBase64(iv);
        var cipher = FromBase64(encryptedData);
        if (key is not { Length: 16 } || ivBytes is not { Length: 16 } || cipher is null || cipher.Length == 0 || cipher.Length % 16 != 0) return null;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            var plain = aes.DecryptCbc(cipher, ivBytes, PaddingMode.PKCS7);
            using var doc = JsonDocument.Parse(plain);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("watermark", out var watermark)
                || watermark.ValueKind != JsonValueKind.Object || !watermark.TryGetProperty("appid", out var wmAppId)
                || wmAppId.ValueKind != JsonValueKind.String || !string.Equals(wmAppId.GetString(), appId, StringComparison.Ordinal))
                return null;
            return root.Clone();
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="value"/> is base64 of exactly 16 bytes (a raw session_key).</summary>
    public static bool IsRawSessionKey(string value) => FromBase64(value) is { Length: 16 };

    private static byte[]? FromBase64(string value)
    {
        try
        {
            return Convert.FromBase64String(value.Trim().Replace(' ', '+'));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> as WeChat does (for tests and tooling).</summary>
    public static string Encrypt(byte[] key, byte[] iv, string plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), iv, PaddingMode.PKCS7));
    }
}
