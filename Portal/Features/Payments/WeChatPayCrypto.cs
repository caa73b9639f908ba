using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Payments;

/// <summary>
/// The cryptography of WeChat Pay API v3, on System.Security.Cryptography only: request signatures
/// (<c>WECHATPAY2-SHA256-RSA2048</c>, SHA256withRSA PKCS#1 v1.5 over <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c>),
/// verification of responses and notifications (over <c>timestamp\nnonce\nbody\n</c> with the WeChat Pay public key),
/// and AEAD_AES_256_GCM decryption of a notification's <c>resource</c> with the 32-byte APIv3 key (the 16-byte tag is the
/// last 16 bytes of the base64 <c>ciphertext</c>). docs/money.md ("Top-up with WeChat Pay") describes the flow.
/// </summary>
public static class WeChatPayCrypto
{
    /// <summary>The scheme of the <c>Authorization</c> header.</summary>
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    /// <summary>The string a request signature covers: <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c> (URL = absolute path and query; body empty for GET).</summary>
    public static string RequestMessage(string method, string pathAndQuery, long timestamp, string nonce, string body) =>
        $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{nonce}\n{body}\n";

    /// <summary>The string a response or notification signature covers: <c>timestamp\nnonce\nbody\n</c>.</summary>
    public static string ResponseMessage(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";

    /// <summary>Base64 SHA256withRSA (PKCS#1 v1.5) signature of <paramref name="message"/> (UTF-8).</summary>
    public static string Sign(RSA privateKey, string message) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>True when <paramref name="signatureBase64"/> is a valid SHA256withRSA signature of <paramref name="message"/>; false on any malformed input.</summary>
    public static bool Verify(RSA publicKey, string message, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64)) return false;
        var signature = new byte[signatureBase64.Length];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var length)) return false;
        return publicKey.VerifyData(Encoding.UTF8.GetBytes(message), signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>
    /// The <c>Authorization</c> header value of a request:
    /// <c>WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"</c>.
    /// </summary>
    public static string Authorization(RSA privateKey, string mchId, string serialNo, string method, string pathAndQuery, long timestamp, string nonce, string body)
    {
        var signature = Sign(privateKey, RequestMessage(method, pathAndQuery, timestamp, nonce, body));
        return $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp.ToString(CultureInfo.InvariantCulture)}\",serial_no=\"{serialNo}\"";
    }

    /// <summary>A fresh 32-character nonce (upper-case hex of 16 random bytes).</summary>
    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Decrypts an AEAD_AES_256_GCM resource: <paramref name="ciphertextBase64"/> is ciphertext ‖ 16-byte tag,
    /// <paramref name="nonce"/> the 12-character nonce and <paramref name="associatedData"/> the associated data, all as
    /// WeChat sends them. Returns null when the key, nonce, data or tag do not match (never a partial plaintext).
    /// </summary>
    public static string? Decrypt(ReadOnlySpan<byte> apiV3Key, string nonce, string? associatedData, string ciphertextBase64)
    {
        const int tagSize = 16;
        if (apiV3Key.Length != 32) return null;
        byte[] data;
        try
        {
            data = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException)
        {
            return null;
        }
        var nonceBytes = Encoding.UTF8.GetBytes(nonce);
        if (data.Length < tagSize || nonceBytes.Length != 12) return null;
        var plaintext = new byte[data.Length - tagSize];
        try
        {
            using var aes = new AesGcm(apiV3Key, tagSize);
            aes.Decrypt(nonceBytes, data.AsSpan(0, plaintext.Length), data.AsSpan(plaintext.Length), plaintext,
                associatedData is null ? default : Encoding.UTF8.GetBytes(associatedData));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Encrypts as WeChat Pay does (the inverse of <see cref="Decrypt"/>): base64 of ciphertext ‖ tag. For stand-ins and tests.</summary>
    public static string Encrypt(ReadOnlySpan<byte> apiV3Key, string nonce, string? associatedData, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[plain.Length + 16];
        using var aes = new AesGcm(apiV3Key, 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, output.AsSpan(0, plain.Length), output.AsSpan(plain.Length),
            associatedData is null ? default : Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }
}
