using System.Security.Cryptography;

namespace Portal.Infrastructure;

/// <summary>
/// The Base62 alphabet (digits, then upper-case, then lower-case ASCII letters) shared by short-link codes, public
/// code-image ids, API tokens and their checksum, and the WeChat scene character set.
/// </summary>
public static class Base62
{
    /// <summary><c>0-9A-Za-z</c>, in that order: a digit's index is its value.</summary>
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A string of <paramref name="length"/> characters drawn uniformly from <see cref="Alphabet"/> by the system CSPRNG.</summary>
    public static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>True when every character of <paramref name="text"/> is in <see cref="Alphabet"/> (an empty text is).</summary>
    public static bool IsBase62(ReadOnlySpan<char> text)
    {
        foreach (var c in text) if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    /// <summary>
    /// Writes <paramref name="value"/> modulo 62^<c>destination.Length</c> as fixed-width Base62 digits, most
    /// significant first (higher digits are dropped, leading zeros are <c>0</c>).
    /// </summary>
    public static void Encode(ulong value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
