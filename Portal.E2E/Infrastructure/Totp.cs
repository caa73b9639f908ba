using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Portal.E2E.Infrastructure;

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) over a Base32 key, as authenticator apps compute it.</summary>
public static class Totp
{
    /// <summary>The code for <paramref name="base32Key"/> at <paramref name="now"/>.</summary>
    public static string Code(string base32Key, DateTimeOffset now)
    {
        var key = FromBase32(base32Key);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, now.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff) % 1_000_000;
        return value.ToString("D6");
    }

    private static byte[] FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Replace(" ", "").TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
