namespace Portal.Features.ApiTokens;

/// <summary>
/// Parsing and matching of a token's allowed browser origins (CORS), e.g. <c>https://shop.example.com,
/// http://localhost:5173</c>. The API is server-to-server by default: a token without origins refuses calls made from
/// another site's web page (a request carrying a foreign <c>Origin</c> header). An origin is a scheme (<c>http</c> or
/// <c>https</c>), a host and an optional port — no path, query, user or wildcard — as a browser sends it in
/// <c>Origin</c> (RFC 6454 §6.1), compared after normalisation (lower case, default port dropped).
/// </summary>
public static class ApiTokenOriginAllowList
{
    /// <summary>Longest stored list, in characters.</summary>
    public const int MaxLength = 1000;

    /// <summary>Most origins one token may list.</summary>
    public const int MaxOrigins = 20;

    /// <summary>Normalises a typed list (commas, spaces or new lines between entries); null/blank → null (no browser origin).</summary>
    /// <returns>The normalised comma-separated list, or an error message naming the bad entry.</returns>
    public static (string? List, string? Error) Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return (null, null);
        var entries = typed.Split([',', ' ', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var origins = new List<string>();
        foreach (var entry in entries)
        {
            if (NormalizeOrigin(entry) is not { } origin) return (null, $"'{entry}' is not an origin like https://example.com");
            if (!origins.Contains(origin)) origins.Add(origin);
        }
        if (origins.Count > MaxOrigins) return (null, $"at most {MaxOrigins} origins");
        var list = string.Join(",", origins);
        return list.Length > MaxLength ? (null, $"the list is longer than {MaxLength} characters") : (list, null);
    }

    /// <summary>True when <paramref name="origin"/> (as sent in the <c>Origin</c> header) is one of <paramref name="list"/>.</summary>
    public static bool Allows(string? list, string? origin)
    {
        if (string.IsNullOrEmpty(list) || NormalizeOrigin(origin) is not { } normalized) return false;
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (string.Equals(entry, normalized, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The entries of a stored list.</summary>
    public static IEnumerable<string> Entries(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// <c>scheme://host[:port]</c> in lower case without a default port, or null when <paramref name="value"/> is not an
    /// http(s) origin (a path other than <c>/</c>, a query, a fragment, user info or the opaque origin <c>null</c>).
    /// </summary>
    public static string? NormalizeOrigin(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 300) return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0) return null;
        if (uri.AbsolutePath != "/" || value.Contains('*')) return null;
        var host = uri.IdnHost.ToLowerInvariant();
        if (host.Length == 0) return null;
        if (uri.HostNameType == UriHostNameType.IPv6) host = $"[{host.Trim('[', ']')}]";
        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
