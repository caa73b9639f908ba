using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Portal.Features.Links;

/// <summary>Rules for short-link targets (seed 002 §3).</summary>
public static class ShortLinkTarget
{
    /// <summary>Longest accepted target URL, in characters.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// Validates a target: absolute <c>http</c>/<c>https</c> with a host, at most 2048 characters, nothing invisible
    /// (whitespace, control or format characters such as zero-width joiners and bidi overrides, lone surrogates), no
    /// user-info (<c>https://bank.com@evil.example</c>), no IP literal outside globally reachable unicast space
    /// (<see cref="SpecialAddresses"/>), no special-use name (<c>localhost</c>, <c>*.localhost</c>, <c>.local</c>,
    /// <c>.internal</c>, <c>.home.arpa</c>, <c>.invalid</c>), no host that mixes scripts like a look-alike
    /// (<see cref="HostScripts"/>), not one of Portal's own hosts (loops), and not on <paramref name="blockedDomains"/>
    /// (a blocked domain also blocks its sub-domains). The target is never fetched.
    /// </summary>
    /// <param name="url">What the caller sent.</param>
    /// <param name="ownHosts">Portal's own host names.</param>
    /// <param name="blockedDomains">Operator-configured blocked domains (<c>Links:BlockedDomains</c>).</param>
    /// <returns>
    /// The normalised URL — ASCII only: an internationalised host in punycode (IDNA), the path and query
    /// percent-encoded — or an error message (Chinese).
    /// </returns>
    public static (string? Url, string? Error) Validate(string? url, IReadOnlyCollection<string> ownHosts, IReadOnlyCollection<string>? blockedDomains = null)
    {
        url = url?.Trim();
        if (string.IsNullOrEmpty(url)) return (null, "缺少参数 longUrl");
        if (url.Length > MaxLength) return (null, $"longUrl 过长（上限 {MaxLength} 个字符）");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return (null, "longUrl 必须是完整的 http 或 https 网址");
        if (url.Any(MiniProgramPage.IsUnsafeCharacter) || HasLoneSurrogate(url))
            return (null, "longUrl 不能包含空白、控制字符或不可见的格式字符");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return (null, "longUrl 只支持 http 或 https 网址");
        if (uri.UserInfo.Length > 0) return (null, "longUrl 不能包含用户名或密码");

        string host, normalized;
        try
        {
            host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
            normalized = uri.HostNameType == UriHostNameType.Dns && uri.IdnHost != uri.Host
                ? new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri
                : uri.AbsoluteUri;
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or InvalidOperationException)
        {
            return (null, "longUrl 的域名无效");
        }
        if (host.Length == 0) return (null, "longUrl 的域名无效");

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(host.Trim('[', ']'), out var ip) && SpecialAddresses.IsNotGlobal(ip))
            return (null, "longUrl 不能指向内网、回环、链路本地、保留或组播地址");
        if (ownHosts.Any(h => string.Equals(Ascii(h), host, StringComparison.OrdinalIgnoreCase)))
            return (null, "不能为本站的网址生成短链");
        if (IsSpecialUseName(host)) return (null, "longUrl 不能指向本机或内网专用域名");
        if (HostScripts.MixesScripts(HostScripts.Unicode(host)))
            return (null, "longUrl 的域名混用了多种文字（可能是仿冒域名），请使用单一文字的域名");
        if (blockedDomains?.FirstOrDefault(d => IsSameOrSubdomain(host, Ascii(d))) is not null)
            return (null, "该域名已被禁止生成短链");
        if (normalized.Length > MaxLength) return (null, $"longUrl 过长（上限 {MaxLength} 个字符）");
        if (!normalized.All(char.IsAscii)) return (null, "longUrl 无法转换为标准网址");
        return (normalized, null);
    }

    /// <summary>
    /// A stored target as an ASCII-only <c>Location</c> value (targets stored before hosts were kept in punycode may
    /// hold Unicode), or null when it cannot be made one.
    /// </summary>
    public static string? AsLocation(string target)
    {
        if (target.All(c => c is >= '!' and <= '~')) return target;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)) return null;
        try
        {
            var ascii = uri.HostNameType == UriHostNameType.Dns ? new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri : uri.AbsoluteUri;
            return ascii.All(c => c is >= '!' and <= '~') ? ascii : null;
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>True for every address that is not globally reachable unicast (see <see cref="SpecialAddresses"/>).</summary>
    public static bool IsInternal(IPAddress ip) => SpecialAddresses.IsNotGlobal(ip);

    private static readonly string[] SpecialUseNames = ["localhost", "invalid", "local", "internal", "localdomain", "home.arpa"];

    // RFC 6761 / 6762 / 8375 names that never name a public site.
    private static bool IsSpecialUseName(string host) => SpecialUseNames.Any(n => IsSameOrSubdomain(host, n));

    private static string Ascii(string host)
    {
        host = host.Trim().TrimEnd('.');
        try
        {
            return new System.Globalization.IdnMapping().GetAscii(host);
        }
        catch (ArgumentException)
        {
            return host;
        }
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }

    private static bool IsSameOrSubdomain(string host, string domain)
    {
        domain = domain.Trim().TrimStart('.').TrimEnd('.');
        return domain.Length > 0 && (string.Equals(host, domain, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Rules for mini-program AppIDs and page paths (seed 002 §1).</summary>
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
