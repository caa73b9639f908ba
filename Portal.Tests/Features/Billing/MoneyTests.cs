using Portal.Features.Billing;

namespace Portal.Tests.Features.Billing;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(0L, "0.00")]
    [InlineData(1L, "0.01")]
    [InlineData(10L, "0.10")]
    [InlineData(99L, "0.99")]
    [InlineData(100L, "1.00")]
    [InlineData(1930L, "19.30")]
    [InlineData(-5L, "-0.05")]
    [InlineData(-1930L, "-19.30")]
    [InlineData(1_000_000_000L, "10000000.00")]
    [InlineData(long.MaxValue, "92233720368547758.07")]
    [InlineData(long.MinValue, "-92233720368547758.08")]
    public void Format_Fen_TwoDecimalInvariantString(long fen, string expected) => Assert.Equal(expected, Money.Format(fen));

    [Fact]
    public void Format_UnderCommaDecimalCulture_StillUsesPoint()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("19.30", Money.Format(1930));
            Assert.True(Money.TryParse("19.30", out var fen));
            Assert.Equal(1930, fen);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("1.5", 150L)]
    [InlineData("1.50", 150L)]
    [InlineData("10", 1000L)]
    [InlineData("0.01", 1L)]
    [InlineData("-0.10", -10L)]
    [InlineData("  2.00  ", 200L)]
    [InlineData("+3", 300L)]
    [InlineData("0", 0L)]
    [InlineData(".5", 50L)]
    [InlineData("10000000000.00", 1_000_000_000_000L)]
    public void TryParse_ValidAmount_ReturnsFen(string text, long expected)
    {
        Assert.True(Money.TryParse(text, out var fen));
        Assert.Equal(expected, fen);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1.234")]
    [InlineData("0.001")]
    [InlineData("abc")]
    [InlineData("1,50")]
    [InlineData("1,000.00")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("--1")]
    [InlineData("10000000000.01")]
    [InlineData("-10000000000.01")]
    [InlineData("99999999999999999999999999")]
    public void TryParse_Invalid_ReturnsFalseAndZero(string? text)
    {
        Assert.False(Money.TryParse(text, out var fen));
        Assert.Equal(0, fen);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(-7L)]
    [InlineData(123456789L)]
    [InlineData(-1_000_000_000_000L)]
    public void TryParse_OfFormat_RoundTrips(long fen)
    {
        Assert.True(Money.TryParse(Money.Format(fen), out var back));
        Assert.Equal(fen, back);
    }
}
