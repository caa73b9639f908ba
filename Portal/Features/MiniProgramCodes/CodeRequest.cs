using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Features.MiniProgramCodes;

/// <summary>Which of WeChat's three code interfaces a request uses (docs/wechat.md §5).</summary>
public enum CodeKind
{
    /// <summary>getQRCode, <c>POST /wxa/getwxacode</c> ("接口A"): round code for a <c>path</c> with query; A + C share 100,000 codes per app.</summary>
    WxaCode,
    /// <summary>getUnlimitedQRCode, <c>POST /wxa/getwxacodeunlimit</c> ("接口B"): round code for a <c>scene</c> + <c>page</c>; unlimited count.</summary>
    WxaCodeUnlimited,
    /// <summary>createQRCode, <c>POST /cgi-bin/wxaapp/createwxaqrcode</c> ("接口C"): square QR code for a <c>path</c> and width only.</summary>
    WxaQrCode,
}

/// <summary>Line colour of a code, decimal RGB channels 0–255 (docs/wechat.md §5 <c>line_color</c>).</summary>
public readonly record struct LineColor(int R, int G, int B)
{
    /// <summary>WeChat's default, black.</summary>
    public static readonly LineColor Black = new(0, 0, 0);
}

/// <summary>
/// What a caller asked for, before validation: every field optional as it came off the wire or out of a form.
/// <see cref="CodeRequestRules.Normalise"/> turns it into a <see cref="CodeRequest"/> or an error message.
/// </summary>
/// <param name="Kind">Interface to call.</param>
/// <param name="PageOrPath">For <see cref="CodeKind.WxaCodeUnlimited"/> the <c>page</c> (no query); otherwise the <c>path</c> (query allowed).</param>
/// <param name="Scene">Scene for <see cref="CodeKind.WxaCodeUnlimited"/> (ignored by the other interfaces).</param>
/// <param name="Width">Pixels, 280–1280; default 430.</param>
/// <param name="AutoColor">Automatic line colour; default false.</param>
/// <param name="LineColor">Line colour, used when <paramref name="AutoColor"/> is false; default black.</param>
/// <param name="IsHyaline">Transparent background; default false.</param>
/// <param name="EnvVersion"><c>release</c> (default), <c>trial</c> or <c>develop</c>.</param>
/// <param name="CheckPath">Page must exist in the released version (unlimited codes only); default true, or false when <paramref name="EnvVersion"/> is not <c>release</c>.</param>
public sealed record CodeRequestInput(
    CodeKind Kind,
    string? PageOrPath,
    string? Scene = null,
    int? Width = null,
    bool? AutoColor = null,
    LineColor? LineColor = null,
    bool? IsHyaline = null,
    string? EnvVersion = null,
    bool? CheckPath = null);

/// <summary>
/// One normalised code request: validated against WeChat's rules, defaults filled in, and fields the chosen
/// interface ignores reset to their defaults, so that two requests producing the same image are equal (and hash
/// equally, see <see cref="CodeRequestRules.Hash"/>).
/// </summary>
/// <param name="Kind">Interface to call.</param>
/// <param name="PageOrPath">Unlimited: the page without leading <c>/</c> or query, empty for the home page. A and C: the path, possibly with a query.</param>
/// <param name="Scene">Unlimited: 1–32 characters of the allowed set; otherwise null.</param>
/// <param name="Width">Pixels, 280–1280.</param>
/// <param name="AutoColor">Automatic line colour (A and B).</param>
/// <param name="LineColor">Line colour (A and B).</param>
/// <param name="IsHyaline">Transparent background (A and B).</param>
/// <param name="EnvVersion"><c>release</c>, <c>trial</c> or <c>develop</c> (A and B).</param>
/// <param name="CheckPath">Page must be released (B only; true elsewhere).</param>
public sealed record CodeRequest(
    CodeKind Kind,
    string PageOrPath,
    string? Scene,
    int Width,
    bool AutoColor,
    LineColor LineColor,
    bool IsHyaline,
    string EnvVersion,
    bool CheckPath)
{
    /// <summary>The page (unlimited) or the path's page part (A, C), without query.</summary>
    public string Page => PageOrPath.Split('?', 2)[0];
}

/// <summary>Outcome of <see cref="CodeRequestRules.Normalise"/>.</summary>
/// <param name="Request">The normalised request, or null when invalid.</param>
/// <param name="Error">Why it is invalid (Chinese), or null.</param>
/// <param name="ErrCode">The WeChat errcode WeChat would answer for this mistake (seed 003 reports it as <c>code</c>); 0 when valid.</param>
public sealed record CodeValidation(CodeRequest? Request, string? Error, int ErrCode)
{
    /// <summary>Deconstructs into request and error.</summary>
    public void Deconstruct(out CodeRequest? request, out string? error)
    {
        request = Request;
        error = Error;
    }
}
