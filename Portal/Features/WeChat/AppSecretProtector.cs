using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Features.WeChat;

/// <summary>
/// Data Protection for WeChat secrets at rest: AppSecrets, access tokens and session keys each under their own
/// purpose. The key ring lives in the database, so every instance can decrypt.
/// </summary>
public sealed class AppSecretProtector(IDataProtectionProvider provider)
{
    /// <summary>Purpose of <see cref="MiniProgramApp.ProtectedSecret"/>.</summary>
    public const string Purpose = "WeChat.AppSecret.v1";

    /// <summary>Purpose of <see cref="WeChatTokenState.ProtectedToken"/>.</summary>
    public const string AccessTokenPurpose = "WeChat.AccessToken.v1";

    /// <summary>Purpose of <see cref="WeChatSession.ProtectedSessionKey"/>.</summary>
    public const string SessionKeyPurpose = "WeChat.SessionKey.v1";

    private readonly IDataProtector _secrets = provider.CreateProtector(Purpose);
    private readonly IDataProtector _tokens = provider.CreateProtector(AccessTokenPurpose);
    private readonly IDataProtector _sessionKeys = provider.CreateProtector(SessionKeyPurpose);

    /// <summary>Encrypts an AppSecret.</summary>
    public string ProtectSecret(string secret) => _secrets.Protect(secret);

    /// <summary>Decrypts <paramref name="app"/>'s AppSecret. Internal: only the WeChat client and the secret check use it.</summary>
    internal string UnprotectSecret(MiniProgramApp app) => _secrets.Unprotect(app.ProtectedSecret);

    /// <summary>Encrypts an access token.</summary>
    internal string ProtectAccessToken(string token) => _tokens.Protect(token);

    /// <summary>Decrypts an access token.</summary>
    internal string UnprotectAccessToken(string protectedToken) => _tokens.Unprotect(protectedToken);

    /// <summary>Encrypts a session_key.</summary>
    internal string ProtectSessionKey(string sessionKey) => _sessionKeys.Protect(sessionKey);

    /// <summary>Decrypts a session_key.</summary>
    internal string UnprotectSessionKey(string protectedKey) => _sessionKeys.Unprotect(protectedKey);

    /// <summary>
    /// True when <paramref name="candidate"/> equals the app's AppSecret, compared in constant time
    /// (<see cref="CryptographicOperations.FixedTimeEquals"/>) so response timing reveals nothing about the secret.
    /// </summary>
    public bool SecretMatches(MiniProgramApp app, string? candidate)
    {
        var expected = Encoding.UTF8.GetBytes(UnprotectSecret(app));
        var given = Encoding.UTF8.GetBytes(candidate ?? "");
        // FixedTimeEquals returns early only on a length mismatch; AppSecrets all have 32 characters.
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>SHA-256 of <paramref name="value"/> as 64 lowercase hex characters.</summary>
    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
