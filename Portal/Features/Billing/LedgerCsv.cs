using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Portal.Components.Shared;
using Portal.Resources;

namespace Portal.Features.Billing;

/// <summary>
/// CSV (RFC 4180) of the Ledger and Calls pages: UTF-8 with a byte-order mark so spreadsheet programs read Chinese
/// correctly, one header line, labels in the request's language, instants as ISO 8601 in
/// <see cref="UiFormat.DisplayZone"/> (<c>2026-11-26T02:51:30+08:00</c>), amounts in yuan with two decimals.
/// </summary>
public static partial class LedgerCsv
{
    /// <summary>UTF-8 that writes the byte-order mark.</summary>
    public static readonly Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex PlainNumber();

    /// <summary>
    /// One CSV cell: quoted when it holds a comma, quote or line break; a value a spreadsheet would run as a formula
    /// (leading <c>= + - @</c>, tab or CR) gets a leading apostrophe (CSV injection, OWASP). A plain number such as
    /// <c>-0.10</c> is left as it is: it cannot run as a formula and must stay a number for the sums.
    /// </summary>
    public static string Cell(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        if ("=+-@\t\r".Contains(s[0]) && !PlainNumber().IsMatch(s)) s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    /// <summary>An instant as ISO 8601 in the display zone with its offset.</summary>
    public static string Instant(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, UiFormat.DisplayZone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes ledger entries: <c>time,kind,amount,balance_after,description,request_id</c> (header in the request's
    /// language). Charge and refund descriptions are shown as the product's name.
    /// </summary>
    public static async Task WriteEntriesAsync(Stream output, IAsyncEnumerable<LedgerEntryRow> rows, IStringLocalizer<SharedResource> L, CancellationToken ct)
    {
        await using var w = new StreamWriter(output, Utf8WithBom, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await w.WriteLineAsync(Line(L["Time"], L["Kind"], L["Amount"], L["Balance after"], L["Description"], L["Request id"]));
        await foreach (var e in rows.WithCancellation(ct))
        {
            var description = e.Kind is LedgerEntryKind.Charge or LedgerEntryKind.Refund && e.Description is { } d ? L[LedgerText.Product(d)].Value : e.Description;
            await w.WriteLineAsync(Line(Instant(e.CreatedAt), L[LedgerText.Kind(e.Kind)], Money.Format(e.AmountFen), Money.Format(e.BalanceAfterFen), description, e.RequestId));
        }
    }

    /// <summary>Writes charges (billable calls): <c>time,product,price,status,via,request_id,failure</c>.</summary>
    public static async Task WriteChargesAsync(Stream output, IAsyncEnumerable<ChargeRow> rows, IStringLocalizer<SharedResource> L, CancellationToken ct)
    {
        await using var w = new StreamWriter(output, Utf8WithBom, bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await w.WriteLineAsync(Line(L["Time"], L["Product"], L["Price"], L["Status"], L["Via"], L["Request id"], L["Failure"]));
        await foreach (var c in rows.WithCancellation(ct))
        {
            await w.WriteLineAsync(Line(Instant(c.CreatedAt), L[LedgerText.Product(c.Product)], Money.Format(c.PriceFen), L[c.Status.ToString()],
                c.ViaApi ? "API" : L["Portal"], c.RequestId, c.FailureReason));
        }
    }

    private static string Line(params string?[] cells) => string.Join(',', cells.Select(Cell));
}
