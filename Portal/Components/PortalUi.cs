using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Shared;
using Portal.Features.Billing;

namespace Portal.Components;

/// <summary>Blazor, MudBlazor and localization (zh-CN by default, English selectable).</summary>
public static class PortalUi
{
    /// <summary>Supported UI cultures; the first is the default.</summary>
    public static readonly string[] Cultures = ["zh-CN", "en"];

    /// <summary>Adds Razor components with interactive server rendering, MudBlazor and resx localization.</summary>
    public static IServiceCollection AddPortalUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(c =>
        {
            c.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            c.SnackbarConfiguration.VisibleStateDuration = 4000;
        });
        // Resources are embedded under their marker class's full name (Portal.Resources.SharedResource), so no ResourcesPath.
        services.AddLocalization();
        // MudBlazor's own texts (pager, aria labels) from the same resources.
        services.AddTransient<MudLocalizer, Layout.PortalMudLocalizer>();
        services.AddScoped<BalanceState>();
        services.AddViewerTimeZone();
        services.AddScoped<PortalMode>();
        return services;
    }

    /// <summary>
    /// Request localization: the <c>?culture=</c> query or the cookie written by <c>/culture/set</c>, else zh-CN. The
    /// browser's Accept-Language is deliberately ignored: the product speaks Chinese unless the user picks English.
    /// </summary>
    public static RequestLocalizationOptions LocalizationOptions()
    {
        var options = new RequestLocalizationOptions()
            .SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
        options.ApplyCurrentCultureToResponseHeaders = true;
        options.RequestCultureProviders = options.RequestCultureProviders.Where(p => p is not AcceptLanguageHeaderRequestCultureProvider).ToList();
        return options;
    }

    /// <summary>
    /// Maps the portal's pages: the Blazor components (interactive on the server), Identity's extra account endpoints
    /// and the language switch (<see cref="MapPortalUiEndpoints"/>).
    /// </summary>
    public static WebApplication MapPortalPages(this WebApplication app)
    {
        app.MapPortalUiEndpoints();
        // The edge's own Content-Security-Policy already says frame-ancestors 'none' (EdgeSecurity); Blazor would add a second.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAdditionalIdentityEndpoints();
        return app;
    }

    /// <summary>Maps <c>GET /culture/set?culture=en&amp;redirectUri=/</c>, which stores the choice in a cookie.</summary>
    public static IEndpointRouteBuilder MapPortalUiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/set", (string culture, string? redirectUri, HttpContext http) =>
        {
            if (Cultures.Contains(culture))
            {
                http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture, culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            }
            return TypedResults.LocalRedirect(string.IsNullOrEmpty(redirectUri) || !redirectUri.StartsWith('/') || redirectUri.StartsWith("//") ? "/" : redirectUri);
        }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
