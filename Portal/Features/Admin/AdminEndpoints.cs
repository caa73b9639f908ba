using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Accounts;
using Portal.Features.Billing;

namespace Portal.Features.Admin;

/// <summary>Admin-only HTTP endpoints behind the admin pages (cookie-authenticated, Admin policy).</summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>GET /admin/codes/{batchId}.csv</c>.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/codes/{batchId:guid}.csv", ExportCodesCsvAsync)
            .RequireAuthorization(AuthorizationPolicies.Admin)
            .WithName("ExportRedemptionCodesCsv")
            .WithSummary("Redemption codes of one batch as CSV (admins only).")
            .WithTags("Admin")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The batch's codes as an RFC 4180 CSV attachment (UTF-8 with BOM so spreadsheet programs read it as UTF-8):
    /// <c>code,amount,status,expires_at,redeemed_by,redeemed_at</c>. 404 when the batch has no codes.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, NotFound>> ExportCodesCsvAsync(Guid batchId, RedemptionCodeService codes, CancellationToken ct)
    {
        var csv = await codes.ExportCsvAsync(batchId, ct);
        if (csv.IndexOf('\n') == csv.Length - 1) return TypedResults.NotFound();
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"redemption-codes-{batchId}.csv");
    }
}
