using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Features.WeChat;

/// <summary><c>WeChat</c> options are validated when the app starts.</summary>
public sealed class WeChatOptionsTests
{
    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://api.weixin.qq.com")]
    public void Start_InvalidApiBaseUrl_Fails(string url)
    {
        using var factory = new PortalFactory();
        factory.Settings["WeChat:ApiBaseUrl"] = url;

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("ApiBaseUrl", error.ToString());
    }
}
