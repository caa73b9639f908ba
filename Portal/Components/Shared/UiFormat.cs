using System.Globalization;
using System.Security.Claims;
using Portal.Features.Billing;

namespace Portal.Components.Shared;

/// <summary>Display helpers shared by the pages: money, instants, the signed-in user's id.</summary>
public static class UiFormat
{
    /// <summary>
    /// China Standard Time (UTC+8, no daylight saving since 1991): the zone of calendar days (date filters, per-day
    /// charts, expiry dates, CSV exports) and of instants when the viewer's zone is unknown (see
    /// <see cref="ViewerTimeZone"/>). A fixed custom zone rather than the host's tz database, so it is the same on
    /// every server and in every test.
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
    /// An instant in the viewer's zone (<see cref="ViewerTimeZone.Current"/>; <see cref="DisplayZone"/> outside a
    /// circuit or before the browser told its zone), minute precision, with the zone named: 2026-11-25 18:51 UTC →
    /// <c>2026-11-26 02:51 CST</c> (<c>… 北京时间</c> in Chinese) in China Standard Time, <c>2026-11-25 13:51 UTC−5</c>
    /// in New York, <c>2026-11-26 00:21 UTC+5:30</c> in India; empty for null.
    /// </summary>
    public static string Time(DateTimeOffset? t) => t is null ? "" : Time(t.Value, ViewerTimeZone.Current?.Zone ?? DisplayZone);

    /// <summary>An instant in <paramref name="zone"/> as <see cref="Time(DateTimeOffset?)"/> shows it.</summary>
    public static string Time(DateTimeOffset t, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(t, zone);
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + (zone.Id == DisplayZone.Id ? ZoneName : OffsetName(local.Offset));
    }

    /// <summary>
    /// A UTC offset as a zone name: <c>UTC</c>, <c>UTC−5</c>, <c>UTC+5:30</c>. West of Greenwich the sign is U+2212
    /// (minus sign), where a line does not break as it may after a hyphen.
    /// </summary>
    public static string OffsetName(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC"
        : "UTC" + (offset < TimeSpan.Zero ? "\u2212" : "+") + offset.Duration().Hours.ToString(CultureInfo.InvariantCulture)
          + (offset.Minutes == 0 ? "" : ":" + offset.Duration().Minutes.ToString("00", CultureInfo.InvariantCulture));

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
