using System.Net;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Http;

/// <summary>Configuration section <c>ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-*</c> headers are believed.</summary>
public sealed class ProxyOptions : IValidatableObject
{
    /// <summary>Section name.</summary>
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>["10.0.0.5"]</c>. Loopback is always trusted.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. <c>["10.0.0.0/24"]</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Every address and network must parse (checked at start-up).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"ForwardedHeaders:KnownNetworks: '{network}' is not a CIDR network", [nameof(KnownNetworks)]);
    }
}

/// <summary>
/// The edge of every response: forwarded headers from trusted proxies only (so the client address that IP allow-lists
/// and rate limits see, and the scheme that makes cookies <c>Secure</c>, are the real ones), HSTS over HTTPS, and the
/// security headers — <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy</c>, <c>X-Frame-Options: DENY</c> and a
/// Content-Security-Policy: the portal's (Blazor Server and MudBlazor run under it), and a stricter one for the public
/// pages (<c>/s/</c>, <c>/m/</c>, <c>/codes/</c>) that may never be framed.
/// </summary>
public static class EdgeSecurity
{
    /// <summary>The portal's policy. Inline styles and scripts: MudBlazor sets styles inline, Blazor writes an import map.</summary>
    public const string PortalPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    /// <summary>The public pages' policy: their own inline style and script only, data-URI images, never framed.</summary>
    public const string PublicPagePolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Binds <see cref="ProxyOptions"/> (validated at start-up: an address or network that does not parse stops it) into
    /// ASP.NET Core's forwarded-headers options.
    /// </summary>
    public static IServiceCollection AddEdgeSecurity(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((o, proxies) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.ForwardLimit = 1;
            foreach (var proxy in proxies.Value.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.Value.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return services;
    }

    /// <summary>Adds the middleware (first in the pipeline).</summary>
    public static IApplicationBuilder UseEdgeSecurity(this IApplicationBuilder app, IHostEnvironment environment)
    {
        app.UseForwardedHeaders();
        if (!environment.IsDevelopment()) app.UseHsts();
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            var path = context.Request.Path;
            if (PublicPage.IsPublicPage(context))
                headers.ContentSecurityPolicy = PublicPagePolicy;
            else if (!path.StartsWithSegments("/api-docs") && !path.StartsWithSegments("/admin/jobs") && !path.StartsWithSegments("/openapi"))
                headers.ContentSecurityPolicy = PortalPolicy;
            return next(context);
        });
    }
}
