using System.Globalization;

namespace Portal.Features.Billing;

/// <summary>Conversions between integer fen and the wire/display form (docs/api.md: <c>"19.30"</c>).</summary>
public static class Money
{
    /// <summary>Largest single credit, debit or code amount accepted: 10,000,000.00 yuan in fen.</summary>
    public const long MaxAmountFen = 1_000_000_000;

    /// <summary>Formats fen as yuan with exactly two decimals, invariant culture: 1930 → <c>"19.30"</c>, -5 → <c>"-0.05"</c>.</summary>
    public static string Format(long fen) => Portal.Infrastructure.Api.WireMoney.Format(fen);

    /// <summary>
    /// Parses a yuan amount with at most two decimals (<c>"1.5"</c>, <c>"-0.10"</c>, <c>"10"</c>) into fen.
    /// Returns false for anything else, including more than two decimals or a value beyond ±1e12 fen.
    /// </summary>
    public static bool TryParse(string? text, out long fen)
    {
        fen = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out var yuan)) return false;
        var scaled = yuan * 100m;
        if (scaled != decimal.Truncate(scaled) || Math.Abs(scaled) > 1_000_000_000_000m) return false;
        fen = (long)scaled;
        return true;
    }
}
