namespace Portal.Infrastructure;

/// <summary>
/// A UTC calendar day stored as one integer <c>yyyyMMdd</c> (e.g. <c>20261205</c>): the key of per-day rows such as a
/// token's daily spend and a short link's visit statistics. Ordered like the days, so day ranges are integer ranges.
/// </summary>
public static class DayKey
{
    /// <summary>The key of <paramref name="day"/>.</summary>
    public static int Of(DateOnly day) => day.Year * 10000 + day.Month * 100 + day.Day;

    /// <summary>The key of the UTC day <paramref name="instant"/> falls on.</summary>
    public static int Of(DateTimeOffset instant) => Of(DateOnly.FromDateTime(instant.UtcDateTime));
}
