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
