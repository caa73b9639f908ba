using Portal.Infrastructure.Http;

namespace Portal.Features.Links;

/// <summary>The public landing page of an <c>mp://</c> link (<c>/m/{code}</c>), built on <see cref="PublicPage"/>.</summary>
internal static class MiniProgramLandingPage
{
    /// <summary>
    /// The <c>/m/{code}</c> landing page. With <paramref name="autoOpen"/> (a phone or WeChat) it follows the
    /// <c>weixin://</c> scheme after 300 ms, with the button as the fallback; without it (a desktop, where the scheme
    /// would only raise the browser's "open app?" prompt) it leads with a QR code of the page to scan with WeChat.
    /// </summary>
    public static IResult Render(string appId, string pagePath, string scheme, string pageUrl, bool autoOpen)
    {
        var qr = $"<img alt=\"用微信扫码打开 / Scan with WeChat\" width=\"200\" height=\"200\" src=\"data:image/png;base64,{QrPng(pageUrl)}\">";
        var details = $"<p class=\"muted\">AppID: <code>{E(appId)}</code><br>页面 / Page: <code>{E(pagePath)}</code></p>";
        var body = autoOpen
            ? "<h1>打开微信小程序</h1>" +
              $"<p><a class=\"btn\" id=\"open\" href=\"{E(scheme)}\">在微信中打开</a></p>" +
              "<p>如果没有自动跳转，请点击上面的按钮，并确认已安装微信。</p>" + details +
              "<p class=\"muted\">If nothing happens, tap the button (WeChat must be installed).</p>" +
              "<script>setTimeout(function(){location.href=document.getElementById('open').href;},300);</script>"
            : "<h1>用微信扫一扫打开小程序</h1>" +
              $"<p id=\"scan\">{qr}</p>" +
              "<p>请用手机微信的“扫一扫”扫描上面的二维码，在手机上打开这个小程序。</p>" +
              "<p class=\"muted\">Scan the code with WeChat on your phone to open this mini-program.</p>" + details +
              $"<p class=\"muted\">已在手机浏览器中？<a id=\"open\" href=\"{E(scheme)}\">在微信中打开</a></p>";
        return PublicPage.Document("打开小程序", body);
    }

    private static string E(string s) => PublicPage.Encode(s);

    private static string QrPng(string text)
    {
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCoder.QRCodeGenerator.ECCLevel.M);
        return Convert.ToBase64String(new QRCoder.PngByteQRCode(data).GetGraphic(6));
    }
}
