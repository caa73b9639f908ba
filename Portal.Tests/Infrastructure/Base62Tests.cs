using Portal.Infrastructure;

namespace Portal.Tests.Infrastructure;

/// <summary>The one Base62 alphabet behind short codes, public code ids and API tokens.</summary>
public sealed class Base62Tests
{
    [Fact]
    public void Alphabet_IsDigitsThenUpperThenLowerCase()
    {
        Assert.Equal(62, Base62.Alphabet.Distinct().Count());
        Assert.Equal("0123456789", Base62.Alphabet[..10]);
        Assert.Equal('A', Base62.Alphabet[10]);
        Assert.Equal('a', Base62.Alphabet[36]);
        Assert.Equal('z', Base62.Alphabet[^1]);
    }

    [Theory]
    [InlineData(0UL, "000000")]
    [InlineData(61UL, "00000z")]
    [InlineData(62UL, "000010")]
    [InlineData(uint.MaxValue, "4gfFC3")]
    public void Encode_WritesFixedWidthDigitsMostSignificantFirst(ulong value, string expected)
    {
        Span<char> digits = stackalloc char[6];
        Base62.Encode(value, digits);
        Assert.Equal(expected, new string(digits));
    }

    [Fact]
    public void Random_DrawsOnlyFromTheAlphabet()
    {
        var text = Base62.Random(500);
        Assert.Equal(500, text.Length);
        Assert.True(Base62.IsBase62(text));
        Assert.True(text.Distinct().Count() > 40, "500 draws should cover most of the 62 characters");
    }

    [Theory]
    [InlineData("abcXYZ019", true)]
    [InlineData("", true)]
    [InlineData("abc-def", false)]
    [InlineData("abc_def", false)]
    [InlineData("ab\u00e9", false)]
    public void IsBase62_AcceptsOnlyAsciiLettersAndDigits(string text, bool expected) => Assert.Equal(expected, Base62.IsBase62(text));
}
