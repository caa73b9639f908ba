using System.Globalization;
using System.Security.Claims;
using Portal.Features.Billing;

namespace Portal.Components.Shared;

/// <summary>Display helpers shared by the pages: money, instants, the signed-in user's id.</summary>
public static class UiFormat
{
    /// <summary>
    /// The zone instants are shown in: China Standard Time (UTC+8, no daylight saving since 1991). A fixed custom zone
    /// rather than the host's tz database, so the display is the same on every server and in every test.
    /// </summary>
    public static TimeZoneInfo DisplayZone { get; } =
        TimeZoneInfo.CreateCustomTimeZone("China Standard Time", TimeSpan.FromHours(8), "China Standard Time (UTC+8)", "China Standard Time");

    /// <summary>Yuan with two decimals and the currency sign: 1930 → <c>¥19.30</c>.</summary>
    public static string Yuan(long fen) => "¥" + Money.Format(fen);

    /// <summary>A signed amount: 500 → <c>+5.00</c>, -10 → <c>-0.10</c>.</summary>
    public static string Signed(long fen) => (fen > 0 ? "+" : "") + Money.Format(fen);

    /// <summary>
    /// The short name of <see cref="DisplayZone"/> in the current UI culture: <c>北京时间</c> in Chinese, <c>CST</c>
    /// otherwise.
    /// </summary>
    public static string ZoneName =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" ? "北京时间" : "CST";

    /// <summary>
    /// An instant in <see cref="DisplayZone"/>, minute precision, with the zone named:
    /// 2026-11-25 18:51 UTC → <c>2026-11-26 02:51 CST</c> (<c>… 北京时间</c> in Chinese); empty for null.
    /// </summary>
    public static string Time(DateTimeOffset? t) =>
        t is null ? "" : Local(t.Value).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + ZoneName;

    /// <summary>The calendar date of an instant in <see cref="DisplayZone"/>: <c>2026-11-26</c>; empty for null.</summary>
    public static string Date(DateTimeOffset? t) =>
        t is null ? "" : Local(t.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary><paramref name="t"/> as a clock time in <see cref="DisplayZone"/>.</summary>
    public static DateTime Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, DisplayZone).DateTime;

    /// <summary>Today's date in <see cref="DisplayZone"/> at instant <paramref name="now"/>.</summary>
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(Local(now));

    /// <summary>The instant a calendar day of <see cref="DisplayZone"/> starts: 2026-11-26 → 2026-11-25 16:00 UTC.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), DisplayZone.BaseUtcOffset).ToUniversalTime();

    /// <summary>The Identity user id of a signed-in principal (the <c>NameIdentifier</c> claim).</summary>
    /// <exception cref="InvalidOperationException">The principal is not signed in.</exception>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("not signed in");

    /// <summary>
    /// End of the chosen day in <see cref="DisplayZone"/>, for "expires on" date pickers: a token or code chosen to
    /// expire on 2026-12-01 stays valid through that whole day as the page shows it (until 2026-12-01 23:59:59 CST).
    /// </summary>
    public static DateTimeOffset? EndOfDay(DateTime? date) =>
        date is null ? null : StartOfDay(DateOnly.FromDateTime(date.Value)).AddDays(1).AddTicks(-1);
}
