using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Portal.Infrastructure;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Token format, after GitHub's: <c>wxp_</c> + 43 random base62 characters (≥ 256 bits) +
/// 6 base62 characters of CRC32 over the prefix and random part. The checksum lets scanners recognise a leaked
/// token and lets Portal reject a mistyped one before any database lookup. Total length 53.
/// </summary>
public static class ApiTokenFormat
{
    /// <summary>The fixed public prefix.</summary>
    public const string Prefix = "wxp_";

    /// <summary>Random base62 characters.</summary>
    public const int RandomLength = 43;

    /// <summary>Checksum characters.</summary>
    public const int ChecksumLength = 6;

    /// <summary>Whole token length.</summary>
    public const int Length = 4 + RandomLength + ChecksumLength;

    /// <summary>Characters of the token kept for display (prefix plus 6).</summary>
    public const int DisplayPrefixLength = 10;

    /// <summary>A new random token string.</summary>
    public static string Generate()
    {
        var body = Prefix + Base62.Random(RandomLength);
        return body + Checksum(body);
    }

    /// <summary>True when <paramref name="token"/> has the prefix, length, alphabet and a matching checksum.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> token)
    {
        if (token.Length != Length || !token.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (!Base62.IsBase62(token[Prefix.Length..])) return false;
        var body = token[..^ChecksumLength].ToString();
        return token[^ChecksumLength..].SequenceEqual(Checksum(body));
    }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes (what is stored).</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Checksum(string body)
    {
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(Crc32.Hash(Encoding.ASCII.GetBytes(body)));
        Span<char> chars = stackalloc char[ChecksumLength];
        Base62.Encode(crc, chars);
        return new string(chars);
    }
}
