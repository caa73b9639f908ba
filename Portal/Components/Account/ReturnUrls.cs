namespace Portal.Components.Account;

/// <summary>
/// Where a sign-in, sign-out or account page may send the browser afterwards: only a path of this site. Anything else
/// — another site (<c>https://evil.example/</c>, <c>//evil.example/</c>, <c>/\evil.example/</c>), a script
/// (<c>javascript:</c>), control characters — falls back to the home page instead of failing.
/// </summary>
public static class ReturnUrls
{
    /// <summary>
    /// A site-relative path without its leading <c>/</c> (e.g. <c>links/short?page=2</c>), or <c>""</c> for the home
    /// page. An absolute URL under <paramref name="baseUri"/> (the site's own base, ending in <c>/</c>) is made relative.
    /// </summary>
    public static string Local(string? returnUrl, string? baseUri = null)
    {
        var url = returnUrl?.Trim() ?? "";
        if (url.Length == 0 || url.Any(c => char.IsControl(c) || c == '\\')) return "";
        if (baseUri is not null && url.StartsWith(baseUri, StringComparison.OrdinalIgnoreCase)) url = "/" + url[baseUri.Length..];
        if (url.StartsWith("~/", StringComparison.Ordinal)) url = url[1..];
        if (url.StartsWith("//", StringComparison.Ordinal)) return "";
        if (!url.StartsWith('/'))
        {
            // A relative path is fine ("Account/Manage"); anything with a scheme is not ("javascript:…", "https:…").
            return url.Contains(':') && url.IndexOf(':') < IndexOfAny(url, '/', '?', '#') ? "" : Wellformed(url);
        }
        return Wellformed(url[1..]);
    }

    private static int IndexOfAny(string s, params char[] chars)
    {
        var i = s.IndexOfAny(chars);
        return i < 0 ? s.Length : i;
    }

    private static string Wellformed(string path) => Uri.IsWellFormedUriString(path, UriKind.Relative) ? path : "";
}
