using System.Globalization;
using System.Security.Claims;
using Portal.Features.Billing;

namespace Portal.Components.Shared;

/// <summary>Display helpers shared by the pages: money, instants, the signed-in user's id.</summary>
public static class UiFormat
{
    /// <summary>Yuan with two decimals and the currency sign: 1930 → <c>¥19.30</c>.</summary>
    public static string Yuan(long fen) => "¥" + Money.Format(fen);

    /// <summary>A signed amount: 500 → <c>+5.00</c>, -10 → <c>-0.10</c>.</summary>
    public static string Signed(long fen) => (fen > 0 ? "+" : "") + Money.Format(fen);

    /// <summary>An instant in UTC, minute precision: <c>2026-11-25 18:51 UTC</c>; empty for null.</summary>
    public static string Time(DateTimeOffset? t) =>
        t is null ? "" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A date in UTC: <c>2026-11-25</c>; empty for null.</summary>
    public static string Date(DateTimeOffset? t) =>
        t is null ? "" : t.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Identity user id of a signed-in principal (the <c>NameIdentifier</c> claim).</summary>
    /// <exception cref="InvalidOperationException">The principal is not signed in.</exception>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("not signed in");

    /// <summary>
    /// End of the chosen day in UTC, for "expires on" date pickers: a token or code chosen to expire on 2026-12-01
    /// stays valid through that whole day (UTC).
    /// </summary>
    public static DateTimeOffset? EndOfDayUtc(DateTime? date) =>
        date is null ? null : new DateTimeOffset(DateTime.SpecifyKind(date.Value.Date, DateTimeKind.Utc)).AddDays(1).AddTicks(-1);
}
