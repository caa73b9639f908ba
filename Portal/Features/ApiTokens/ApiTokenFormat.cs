using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Portal.Infrastructure;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Token format, after GitHub's: <c>wxp_</c> + 43 random base62 characters (≥ 256 bits) +
/// 6 base62 characters of CRC32 over the prefix and random part. The checksum lets scanners recognise a leaked
/// token and lets Portal reject a mistyped one before any database lookup. Total length 53. A test-mode token has the
/// longer prefix <c>wxp_test_</c> (length 58): it spends the owner's test balance and is answered by the WeChat simulator.
/// </summary>
public static class ApiTokenFormat
{
    /// <summary>The fixed public prefix.</summary>
    public const string Prefix = "wxp_";

    /// <summary>The public prefix of test-mode tokens (the random part never contains <c>_</c>, so no live token has it).</summary>
    public const string TestPrefix = "wxp_test_";

    /// <summary>Random base62 characters.</summary>
    public const int RandomLength = 43;

    /// <summary>Checksum characters.</summary>
    public const int ChecksumLength = 6;

    /// <summary>Whole length of a test-mode token.</summary>
    public const int TestLength = 9 + RandomLength + ChecksumLength;

    /// <summary>Whole token length (live).</summary>
    public const int Length = 4 + RandomLength + ChecksumLength;

    /// <summary>Characters of the token kept for display (prefix plus 6).</summary>
    public const int DisplayPrefixLength = 10;

    /// <summary>A new random token string; a test-mode one (<see cref="TestPrefix"/>) when <paramref name="test"/>.</summary>
    public static string Generate(bool test = false)
    {
        var body = (test ? TestPrefix : Prefix) + Base62.Random(RandomLength);
        return body + Checksum(body);
    }

    /// <summary>True when <paramref name="tokenOrPrefix"/> (a token, or its display prefix) is a test-mode token's.</summary>
    public static bool IsTest(ReadOnlySpan<char> tokenOrPrefix) => tokenOrPrefix.StartsWith(TestPrefix, StringComparison.Ordinal);

    /// <summary>The characters kept for display: the mode's prefix plus 6 random characters.</summary>
    public static string DisplayPrefixOf(string token) =>
        token[..((IsTest(token) ? TestPrefix.Length : Prefix.Length) + DisplayPrefixLength - Prefix.Length)];

    /// <summary>True when <paramref name="token"/> has a prefix, the length of its mode, the alphabet and a matching checksum.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> token)
    {
        var prefix = IsTest(token) ? TestPrefix : Prefix;
        if (token.Length != (IsTest(token) ? TestLength : Length) || !token.StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (!Base62.IsBase62(token[prefix.Length..])) return false;
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
