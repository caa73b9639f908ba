using Portal.Infrastructure;

namespace Portal.Tests.Infrastructure;

public sealed class DayKeyTests
{
    [Fact]
    public void Instant_TakesItsUtcDay_NotTheDayOfItsOffset()
    {
        // 07:30 on 6 December in Beijing is still 5 December in UTC.
        Assert.Equal(20261205, DayKey.Of(new DateTimeOffset(2026, 12, 6, 7, 30, 0, TimeSpan.FromHours(8))));
        Assert.Equal(20261206, DayKey.Of(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void Keys_AreOrderedLikeTheDays_AcrossMonthsAndYears()
    {
        var days = new[] { new DateOnly(2025, 12, 31), new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 1) };
        Assert.Equal([20251231, 20260101, 20260131, 20260201], days.Select(DayKey.Of).ToArray());
    }
}
