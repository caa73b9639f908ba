using Portal.Features.Links;

namespace Portal.Tests.Features.Links;

public sealed class ShortLinkTargetTests
{
    private static readonly string[] Own = ["portal.example.com"];

    [Theory]
    [InlineData("https://www.example.com/search?q=gemini")]
    [InlineData("http://example.org")]
    [InlineData("https://例子.测试/路径")]
    [InlineData("https://8.8.8.8/dns")]
    public void Validate_PublicHttpUrl_Accepted(string url)
    {
        var (normalized, error) = ShortLinkTarget.Validate(url, Own);
        Assert.Null(error);
        Assert.StartsWith("http", normalized);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("ftp://example.com/x")]
    [InlineData("/relative/path")]
    [InlineData("https://bank.example@evil.example/login")]
    [InlineData("http://127.0.0.1/admin")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.20.0.1/")]
    [InlineData("http://192.168.0.10/")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[::ffff:10.0.0.1]/")]
    [InlineData("https://portal.example.com/s/abc1234")]
    [InlineData("https://PORTAL.example.com/anything")]
    [InlineData("")]
    public void Validate_UnsafeOrInvalid_Rejected(string url)
    {
        var (normalized, error) = ShortLinkTarget.Validate(url, Own);
        Assert.Null(normalized);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("http://localhost/")]
    [InlineData("http://localhost./")]
    [InlineData("http://api.localhost/")]
    [InlineData("http://printer.local/")]
    [InlineData("http://router.home.arpa/")]
    [InlineData("http://[::127.0.0.1]/")]
    [InlineData("http://[64:ff9b::127.0.0.1]/")]
    [InlineData("http://[64:ff9b::10.0.0.1]/")]
    [InlineData("http://[2002:7f00:1::]/")]
    [InlineData("http://[2001:db8::1]/")]
    [InlineData("http://[ff02::1]/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://255.255.255.255/")]
    [InlineData("http://198.18.0.1/")]
    [InlineData("http://192.0.2.10/")]
    [InlineData("http://203.0.113.5/")]
    [InlineData("http://240.0.0.1/")]
    [InlineData("http://0.0.0.0/")]
    public void Validate_SpecialPurposeAddressOrName_Rejected(string url)
    {
        var (normalized, error) = ShortLinkTarget.Validate(url, Own);
        Assert.Null(normalized);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("http://[64:ff9b::808:808]/")]   // NAT64 of 8.8.8.8
    [InlineData("http://[2002:808:808::]/")]     // 6to4 of 8.8.8.8
    [InlineData("http://[2606:4700::1111]/")]
    public void Validate_GlobalIPv6_Accepted(string url) => Assert.Null(ShortLinkTarget.Validate(url, Own).Error);

    [Theory]
    [InlineData("https://аррӏе.com/", "Cyrillic letters under a Latin TLD")]
    [InlineData("https://pаypal.com/", "a Cyrillic a among Latin letters")]
    [InlineData("https://例子.соm/", "Han and Cyrillic")]
    public void Validate_HostMixingScripts_Rejected(string url, string why)
    {
        var (normalized, error) = ShortLinkTarget.Validate(url, Own);
        Assert.True(normalized is null, why);
        Assert.Contains("文字", error);
    }

    [Theory]
    [InlineData("https://例子.测试/路径?q=值", "https://xn--fsqu00a.xn--0zwm56d/")]
    [InlineData("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/")]
    [InlineData("https://bücher.de/", "https://xn--bcher-kva.de/")]
    public void Validate_SingleScriptIdn_StoredAsAsciiPunycode(string url, string prefix)
    {
        var (normalized, error) = ShortLinkTarget.Validate(url, Own);
        Assert.Null(error);
        Assert.StartsWith(prefix, normalized);
        Assert.All(normalized!, c => Assert.True(c is >= '!' and <= '~', $"non-ASCII '{c}' in {normalized}"));
    }

    [Theory]
    [InlineData("https://exa\\u200Bmple.com/")]      // zero-width space
    [InlineData("https://example.com\\u202E/moc.live")] // right-to-left override
    [InlineData("https://exam\\u00ADple.com/")]     // soft hyphen
    [InlineData("https://example.com/\\uD800")]     // lone surrogate
    public void Validate_InvisibleOrBrokenCharacters_Rejected(string escaped)
    {
        var url = System.Text.RegularExpressions.Regex.Unescape(escaped);
        Assert.NotNull(ShortLinkTarget.Validate(url, Own).Error);
    }

    [Fact]
    public void Validate_LatinWithHan_AllowedCombination()
    {
        var (normalized, error) = ShortLinkTarget.Validate("https://東京tokyo.jp/", Own);
        Assert.Null(error);
        Assert.StartsWith("https://xn--", normalized);
    }

    [Fact]
    public void AsLocation_StoredUnicodeTarget_BecomesAscii()
    {
        var location = ShortLinkTarget.AsLocation("https://例子.测试/路径");
        Assert.NotNull(location);
        Assert.StartsWith("https://xn--fsqu00a.xn--0zwm56d/", location);
        Assert.All(location!, c => Assert.True(c < 128));
    }

    [Fact]
    public void Validate_TooLong_Rejected()
    {
        var url = "https://example.com/" + new string('a', ShortLinkTarget.MaxLength);
        Assert.NotNull(ShortLinkTarget.Validate(url, Own).Error);
    }

    [Fact]
    public void Validate_BlockedDomainAndSubdomain_Rejected_OthersAccepted()
    {
        string[] blocked = ["bad.example"];
        Assert.NotNull(ShortLinkTarget.Validate("https://bad.example/x", Own, blocked).Error);
        Assert.NotNull(ShortLinkTarget.Validate("https://www.bad.example/x", Own, blocked).Error);
        Assert.Null(ShortLinkTarget.Validate("https://notbad.example/x", Own, blocked).Error);
    }
}
