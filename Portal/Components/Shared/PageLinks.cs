using Microsoft.AspNetCore.Components;
using Portal.Infrastructure;

namespace Portal.Components.Shared;

/// <summary>
/// Public link bases for interactive pages, which have no <c>HttpRequest</c>: <c>Portal:PublicBaseUrl</c> when set,
/// else the address the browser used (<see cref="NavigationManager.BaseUri"/>).
/// </summary>
public static class PageLinks
{
    /// <summary>The public base URL without a trailing slash, e.g. <c>https://portal.example.com</c>.</summary>
    public static string BaseUrl(PortalOptions options, NavigationManager nav) =>
        (string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? nav.BaseUri : options.PublicBaseUrl).TrimEnd('/');

    /// <summary>Portal's own host names (configured base and the browser's host): short links to them would loop.</summary>
    public static IReadOnlyCollection<string> OwnHosts(PublicUrls urls, NavigationManager nav)
    {
        var hosts = new HashSet<string>(urls.OwnHosts(null), StringComparer.OrdinalIgnoreCase);
        if (Uri.TryCreate(nav.BaseUri, UriKind.Absolute, out var own)) hosts.Add(own.Host);
        return hosts;
    }
}
