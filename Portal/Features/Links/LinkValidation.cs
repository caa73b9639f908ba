using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Portal.Features.Links;

/// <summary>Rules for short-link targets (DESIGN.md "Links"; seed 002 §3).</summary>
public static class ShortLinkTarget
{
    /// <summary>Longest accepted target URL, in characters.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// Validates a target (DESIGN.md "Links", RELIABILITY.md D.6): absolute <c>http</c>/<c>https</c> with a host, at most
    /// 2048 characters, no user-info (<c>https://bank.com@evil.example</c>), no IP literal in a private, loopback,
    /// link-local, CGNAT or unique-local range, not one of Portal's own hosts (loops), and not on
    /// <paramref name="blockedDomains"/> (a blocked domain also blocks its sub-domains). The target is never fetched.
    /// </summary>
    /// <param name="url">What the caller sent.</param>
    /// <param name="ownHosts">Portal's own host names.</param>
    /// <param name="blockedDomains">Operator-configured blocked domains (<c>Links:BlockedDomains</c>).</param>
    /// <returns>The normalised absolute URL, or an error message (Chinese).</returns>
    public static (string? Url, string? Error) Validate(string? url, IReadOnlyCollection<string> ownHosts, IReadOnlyCollection<string>? blockedDomains = null)
    {
        url = url?.Trim();
        if (string.IsNullOrEmpty(url)) return (null, "缺少参数 longUrl");
        if (url.Length > MaxLength) return (null, $"longUrl 过长（上限 {MaxLength} 个字符）");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return (null, "longUrl 必须是完整的 http 或 https 网址");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return (null, "longUrl 只支持 http 或 https 网址");
        if (uri.UserInfo.Length > 0) return (null, "longUrl 不能包含用户名或密码");
        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(uri.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out var ip) && IsInternal(ip))
            return (null, "longUrl 不能指向内网、回环或链路本地地址");
        if (ownHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase)))
            return (null, "不能为本站的网址生成短链");
        if (blockedDomains?.FirstOrDefault(d => IsSameOrSubdomain(host, d)) is not null)
            return (null, "该域名已被禁止生成短链");
        return (uri.AbsoluteUri.Length <= MaxLength ? uri.AbsoluteUri : url, null);
    }

    /// <summary>True for loopback, private (RFC 1918), link-local, CGNAT (100.64/10), unspecified, ULA (fc00::/7) and mapped forms of those.</summary>
    public static bool IsInternal(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.IPv6None)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal;
        var b = ip.GetAddressBytes();
        return b[0] == 10 || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }

    private static bool IsSameOrSubdomain(string host, string domain)
    {
        domain = domain.Trim().TrimStart('.').TrimEnd('.');
        return domain.Length > 0 && (string.Equals(host, domain, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Rules for mini-program AppIDs and page paths (WECHAT.md; seed 002 §1).</summary>
public static partial class MiniProgramPage
{
    /// <summary>Longest page path with its query, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>AppID shape: <c>wx</c> followed by 16 hex digits, e.g. <c>wx6b698b0251caccff</c>.</summary>
    public static bool IsAppId(string? appId) => appId is not null && AppIdPattern().IsMatch(appId);

    /// <summary>
    /// Validates and normalises a page path: a leading <c>/</c> is dropped; no whitespace, control or format characters;
    /// at most 1024 characters; may carry a <c>?query</c>.
    /// </summary>
    /// <returns>The normalised path, or an error message (Chinese).</returns>
    public static (string? Path, string? Error) Validate(string? path)
    {
        path = path?.Trim().TrimStart('/');
        if (string.IsNullOrEmpty(path)) return (null, "缺少参数 pagepath");
        if (path.Length > MaxLength) return (null, $"pagepath 过长（上限 {MaxLength} 个字符）");
        if (path.Any(IsUnsafeCharacter)) return (null, "pagepath 不能包含空白、控制或格式字符");
        if (path.StartsWith('?')) return (null, "pagepath 缺少页面路径");
        return (path, null);
    }

    /// <summary>
    /// True for characters no page path, path or scene may carry: whitespace, control characters (C0/C1, e.g. NUL,
    /// ESC) and Unicode format characters (bidi overrides such as U+202E, zero-width joiners, BOM), which hide what
    /// a path really says.
    /// </summary>
    public static bool IsUnsafeCharacter(char c) =>
        char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>Splits <c>pages/a/b?x=1</c> into <c>("pages/a/b", "x=1")</c>.</summary>
    public static (string Page, string Query) Split(string pagePath)
    {
        var q = pagePath.IndexOf('?');
        return q < 0 ? (pagePath, "") : (pagePath[..q], pagePath[(q + 1)..]);
    }

    [GeneratedRegex("^wx[0-9a-f]{16}$")]
    private static partial Regex AppIdPattern();
}
