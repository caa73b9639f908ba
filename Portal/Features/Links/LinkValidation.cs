using System.Text.RegularExpressions;

namespace Portal.Features.Links;

/// <summary>Rules for short-link targets (DESIGN.md "Links"; seed 002 §3).</summary>
public static class ShortLinkTarget
{
    /// <summary>Longest accepted target URL, in characters.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// Validates a target: absolute, <c>http</c> or <c>https</c>, with a host, at most 2048 characters, and not one of
    /// Portal's own short links (which would loop).
    /// </summary>
    /// <param name="url">What the caller sent.</param>
    /// <param name="ownHosts">Portal's own host names.</param>
    /// <returns>The normalised absolute URL, or an error message (Chinese).</returns>
    public static (string? Url, string? Error) Validate(string? url, IReadOnlyCollection<string> ownHosts)
    {
        url = url?.Trim();
        if (string.IsNullOrEmpty(url)) return (null, "缺少参数 longUrl");
        if (url.Length > MaxLength) return (null, $"longUrl 过长（上限 {MaxLength} 个字符）");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return (null, "longUrl 必须是完整的 http 或 https 网址");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return (null, "longUrl 只支持 http 或 https 网址");
        if (ownHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase) && uri.AbsolutePath.StartsWith("/s/", StringComparison.Ordinal))
            return (null, "不能为本站的短链再生成短链");
        return (uri.AbsoluteUri.Length <= MaxLength ? uri.AbsoluteUri : url, null);
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
    /// Validates and normalises a page path: a leading <c>/</c> is dropped; no whitespace or control characters;
    /// at most 1024 characters; may carry a <c>?query</c>.
    /// </summary>
    /// <returns>The normalised path, or an error message (Chinese).</returns>
    public static (string? Path, string? Error) Validate(string? path)
    {
        path = path?.Trim().TrimStart('/');
        if (string.IsNullOrEmpty(path)) return (null, "缺少参数 pagepath");
        if (path.Length > MaxLength) return (null, $"pagepath 过长（上限 {MaxLength} 个字符）");
        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return (null, "pagepath 不能包含空白或控制字符");
        if (path.StartsWith('?')) return (null, "pagepath 缺少页面路径");
        return (path, null);
    }

    /// <summary>Splits <c>pages/a/b?x=1</c> into <c>("pages/a/b", "x=1")</c>.</summary>
    public static (string Page, string Query) Split(string pagePath)
    {
        var q = pagePath.IndexOf('?');
        return q < 0 ? (pagePath, "") : (pagePath[..q], pagePath[(q + 1)..]);
    }

    [GeneratedRegex("^wx[0-9a-f]{16}$")]
    private static partial Regex AppIdPattern();
}
