using System.Net;

namespace Portal.Infrastructure.Http;

/// <summary>
/// Small self-contained HTML pages for public visitors (no portal chrome, no scripts but a feature's own), and the
/// endpoint metadata that marks a route as such a page: anyone may open it without signing in, it gets
/// <see cref="EdgeSecurity"/>'s public Content-Security-Policy and the per-IP public rate limit.
/// </summary>
public static class PublicPage
{
    /// <summary>The page's shared style sheet (inline, as the pages load nothing else).</summary>
    public const string Style = "body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.6}a.btn{display:inline-block;background:#07c160;color:#fff;padding:.7rem 1.4rem;border-radius:6px;text-decoration:none;font-size:1.1rem}.muted{color:#777;font-size:.9rem}code{word-break:break-all}";

    /// <summary>Endpoint metadata of a public page (<c>.WithMetadata(PublicPage.Marker)</c>).</summary>
    public static readonly object Marker = new PublicPageMarker();

    /// <summary>True when the request was routed to a public page.</summary>
    public static bool IsPublicPage(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<PublicPageMarker>() is not null;

    /// <summary>A short page with <paramref name="status"/>: a title and one line in Chinese and one in English.</summary>
    public static IResult Html(int status, string title, string zh, string en) =>
        Document(title, $"<h1>{Encode(title)}</h1><p>{Encode(zh)}</p><p class=\"muted\">{Encode(en)}</p>", status);

    /// <summary>A whole page around <paramref name="bodyHtml"/> (already encoded), in zh-CN, with <see cref="Style"/>.</summary>
    public static IResult Document(string title, string bodyHtml, int status = StatusCodes.Status200OK) => TypedResults.Content(
        $"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{Encode(title)}</title><style>{Style}</style></head>" +
        $"<body>{bodyHtml}</body></html>",
        "text/html; charset=utf-8", statusCode: status);

    /// <summary>HTML-encodes text for a page.</summary>
    public static string Encode(string s) => WebUtility.HtmlEncode(s);

    private sealed class PublicPageMarker;
}
