using System.Globalization;
using Portal.Components.Shared;

namespace Portal.Features.Billing;

/// <summary>
/// What the Ledger and Calls pages (and their CSV exports) show: a range of calendar days in
/// <see cref="UiFormat.DisplayZone"/> (both ends inclusive), a ledger entry kind or charge status, and a product.
/// Null means "any". The same query string drives a page's grid and its CSV link, so the export holds exactly the rows
/// the page lists.
/// </summary>
/// <param name="From">First day shown, or null.</param>
/// <param name="To">Last day shown, or null.</param>
/// <param name="Kind">Ledger entries of this kind only (ledger only).</param>
/// <param name="Status">Charges in this status only (calls only).</param>
/// <param name="Product">Entries or charges of this product code (<see cref="BillableProducts"/>) only. On the ledger
/// this keeps the charge and refund entries of that product.</param>
/// <param name="Test">True for the test-mode entries and charges, false (the default) for live ones: the two are never mixed.</param>
public sealed record LedgerFilter(DateOnly? From = null, DateOnly? To = null, LedgerEntryKind? Kind = null, ChargeStatus? Status = null, string? Product = null,
    bool Test = false)
{
    /// <summary>No filter: everything.</summary>
    public static LedgerFilter None { get; } = new();

    /// <summary>Inclusive lower bound as an instant (start of <see cref="From"/> in the display zone), or null.</summary>
    public DateTimeOffset? Since => From is { } d ? UiFormat.StartOfDay(d) : null;

    /// <summary>Exclusive upper bound as an instant (start of the day after <see cref="To"/>), or null.</summary>
    public DateTimeOffset? Before => To is { } d ? UiFormat.StartOfDay(d.AddDays(1)) : null;

    /// <summary>The filter as a query string without the leading <c>?</c>: <c>from=2026-11-01&amp;to=2026-11-30&amp;kind=Charge&amp;product=shortlink.create</c>.</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        if (From is { } f) parts.Add("from=" + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (To is { } t) parts.Add("to=" + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Kind is { } k) parts.Add("kind=" + k);
        if (Status is { } s) parts.Add("status=" + s);
        if (!string.IsNullOrEmpty(Product)) parts.Add("product=" + Uri.EscapeDataString(Product));
        if (Test) parts.Add("mode=test");
        return string.Join('&', parts);
    }

    /// <summary>
    /// Reads the filter from query values (see <see cref="ToQuery"/>). Unknown kinds, statuses and products and
    /// malformed dates are ignored (treated as "any"), never an error. <paramref name="mode"/> <c>test</c> selects test-mode rows.
    /// </summary>
    public static LedgerFilter Parse(string? from, string? to, string? kind, string? status, string? product, string? mode = null) => new(
        DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f) ? f : null,
        DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null,
        Enum.TryParse<LedgerEntryKind>(kind, ignoreCase: false, out var k) && Enum.IsDefined(k) ? k : null,
        Enum.TryParse<ChargeStatus>(status, ignoreCase: false, out var s) && Enum.IsDefined(s) ? s : null,
        BillableProducts.All.Any(p => p.Product == product) ? product : null,
        mode == "test");
}
