using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Portal.Components.Shared;
using Portal.Resources;

namespace Portal.Features.Billing;

/// <summary>The signed-in user's CSV exports behind the Ledger and Calls pages (cookie-authenticated).</summary>
public static class BillingEndpoints
{
    /// <summary>Maps <c>GET /ledger/export.csv</c> and <c>GET /calls/export.csv</c>.</summary>
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ledger/export.csv", ExportLedgerCsv)
            .RequireAuthorization()
            .WithName("ExportLedgerCsv")
            .WithSummary("The signed-in user's ledger entries as CSV, filtered like the Ledger page.")
            .WithTags("Portal")
            .ExcludeFromDescription();
        app.MapGet("/calls/export.csv", ExportCallsCsv)
            .RequireAuthorization()
            .WithName("ExportCallsCsv")
            .WithSummary("The signed-in user's billable calls as CSV, filtered like the Calls page.")
            .WithTags("Portal")
            .ExcludeFromDescription();
        app.MapGet("/mode/set", SetMode).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// <c>GET /mode/set?mode=test|live&amp;redirectUri=/ledger</c>: stores the portal's Live/Test choice
    /// (<see cref="Portal.Components.Shared.PortalMode"/>) in its cookie and returns to the page (site-relative only).
    /// </summary>
    public static RedirectHttpResult SetMode(string? mode, string? redirectUri, HttpContext http)
    {
        if (mode == "test")
            http.Response.Cookies.Append(Portal.Components.Shared.PortalMode.CookieName, "test",
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        else
            http.Response.Cookies.Delete(Portal.Components.Shared.PortalMode.CookieName);
        return TypedResults.LocalRedirect(string.IsNullOrEmpty(redirectUri) || !redirectUri.StartsWith('/') || redirectUri.StartsWith("//") ? "/" : redirectUri);
    }

    /// <summary>
    /// The caller's ledger entries that pass the filter (<see cref="LedgerFilter.Parse"/>: <c>from</c>, <c>to</c> as
    /// <c>yyyy-MM-dd</c> days in China Standard Time, <c>kind</c>, <c>product</c>), newest first, streamed as
    /// <see cref="LedgerCsv.WriteEntriesAsync"/> writes them. Unknown filter values mean "any".
    /// </summary>
    public static PushStreamHttpResult ExportLedgerCsv(string? from, string? to, string? kind, string? product,
        HttpContext http, LedgerQueries queries, IStringLocalizer<SharedResource> L, string? mode = null)
    {
        var filter = LedgerFilter.Parse(from, to, kind, null, product, mode);
        var userId = http.User.UserId();
        return TypedResults.Stream(body => LedgerCsv.WriteEntriesAsync(body, queries.StreamEntriesAsync(userId, filter, http.RequestAborted), L, http.RequestAborted),
            "text/csv; charset=utf-8", FileName("ledger", filter));
    }

    /// <summary>
    /// The caller's charges (billable calls) that pass the filter (<c>from</c>, <c>to</c>, <c>status</c>,
    /// <c>product</c>), newest first, as <see cref="LedgerCsv.WriteChargesAsync"/> writes them.
    /// </summary>
    public static PushStreamHttpResult ExportCallsCsv(string? from, string? to, string? status, string? product,
        HttpContext http, LedgerQueries queries, IStringLocalizer<SharedResource> L, string? mode = null)
    {
        var filter = LedgerFilter.Parse(from, to, null, status, product, mode);
        var userId = http.User.UserId();
        return TypedResults.Stream(body => LedgerCsv.WriteChargesAsync(body, queries.StreamChargesAsync(userId, filter, http.RequestAborted), L, http.RequestAborted),
            "text/csv; charset=utf-8", FileName("calls", filter));
    }

    private static string FileName(string what, LedgerFilter f) =>
        $"{what}{(f.From is { } a ? "-from-" + a.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) : "")}{(f.To is { } b ? "-to-" + b.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) : "")}.csv";
}
