using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Components.Shared;
using Portal.Features.Links;
using Portal.Tests.TestInfrastructure;

namespace Portal.Tests.Components;

/// <summary>
/// Times in the viewer's browser time zone: the layout's probe asks the browser once per circuit, an instant is shown in
/// that zone with the zone named (an offset, or 北京时间/CST for China Standard Time), and China Standard Time stays
/// when the browser's answer is missing or unknown.
/// </summary>
public sealed class ViewerTimeZoneTests : PortalComponentTest
{
    private static readonly DateTimeOffset Instant = new(2026, 11, 25, 18, 51, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("America/New_York", "2026-11-25 13:51 UTC\u22125")]
    [InlineData("America/New_York", "2026-07-01 14:00 UTC\u22124", "2026-07-01T18:00:00Z")] // daylight saving time
    [InlineData("Asia/Kolkata", "2026-11-26 00:21 UTC+5:30")]
    [InlineData("Europe/London", "2026-11-25 18:51 UTC")]
    [InlineData("Asia/Tokyo", "2026-11-26 03:51 UTC+9")]
    public void Time_InTheViewersZone_ShownThereWithItsOffsetNamed(string zone, string expected, string? at = null)
    {
        UseCulture("en");
        var viewer = new ViewerTimeZone();

        Assert.True(viewer.SetFromBrowser(zone));
        using (ViewerTimeZone.Use(viewer))
            Assert.Equal(expected, UiFormat.Time(at is null ? Instant : DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
        // Outside the viewer's flow (static pages, jobs): China Standard Time.
        Assert.Equal("2026-11-26 02:51 CST", UiFormat.Time(Instant));
    }

    [Theory]
    [InlineData("Asia/Shanghai", "en", "2026-11-26 02:51 CST")]
    [InlineData("Asia/Shanghai", "zh-CN", "2026-11-26 02:51 北京时间")]
    [InlineData("", "en", "2026-11-26 02:51 CST")]
    [InlineData(null, "en", "2026-11-26 02:51 CST")]
    [InlineData("Mars/Olympus_Mons", "en", "2026-11-26 02:51 CST")]
    public void Time_BrowserInChinaOrUnknownZone_ChinaStandardTimeByItsName(string? zone, string culture, string expected)
    {
        UseCulture(culture);
        var viewer = new ViewerTimeZone();

        Assert.False(viewer.SetFromBrowser(zone));
        Assert.True(viewer.Read);
        using (ViewerTimeZone.Use(viewer))
            Assert.Equal(expected, UiFormat.Time(Instant));
    }

    [Fact]
    public void Probe_AsksTheBrowserOnce_TakesItsZoneAndSaysItChanged()
    {
        var viewer = new ViewerTimeZone();
        Ctx.Services.AddSingleton(viewer);
        var module = Ctx.JSInterop.SetupModule(i => i.Arguments.Count > 0 && $"{i.Arguments[0]}".EndsWith("Components/Layout/ViewerTimeZoneProbe.razor.js", StringComparison.Ordinal));
        module.Setup<string?>("timeZone").SetResult("America/New_York");
        var reads = new List<bool>();

        Ctx.Render<ViewerTimeZoneProbe>(p => p.Add(x => x.Read, changed => reads.Add(changed)));
        // A second layout in the same circuit (another page) does not ask again.
        Ctx.Render<ViewerTimeZoneProbe>(p => p.Add(x => x.Read, changed => reads.Add(changed)));

        Assert.Equal([true, false], reads);
        Assert.Equal("America/New_York", viewer.Zone.Id);
        Assert.Single(module.Invocations, i => i.Identifier == "timeZone");
    }

    [Fact]
    public void Probe_BrowserFails_ChinaStandardTimeAndThePageStillOpens()
    {
        var viewer = new ViewerTimeZone();
        Ctx.Services.AddSingleton(viewer);
        var module = Ctx.JSInterop.SetupModule(i => i.Arguments.Count > 0 && $"{i.Arguments[0]}".EndsWith("ViewerTimeZoneProbe.razor.js", StringComparison.Ordinal));
        module.Setup<string?>("timeZone").SetException(new Microsoft.JSInterop.JSException("Intl is missing"));
        var reads = new List<bool>();

        Ctx.Render<ViewerTimeZoneProbe>(p => p.Add(x => x.Read, changed => reads.Add(changed)));

        Assert.Equal([false], reads);
        Assert.Equal(UiFormat.DisplayZone.Id, viewer.Zone.Id);
    }

    [Fact]
    public async Task ShortLinksPage_ViewerInNewYork_CreatedTimeShownInNewYorkTime()
    {
        UseCulture("en");
        await SignInAsync(balanceFen: 100);
        var viewer = new ViewerTimeZone();
        viewer.SetFromBrowser("America/New_York");
        using var _ = ViewerTimeZone.Use(viewer);
        var cut = RenderPage<ShortLinksPage>();

        await InputAsync(cut, "input[data-testid=long-url]", "https://example.com/zone");
        cut.WaitForAssertion(() => Assert.False(Button(cut, "Shorten").HasAttribute("disabled")));
        await ClickAsync(cut, "Shorten");

        cut.WaitForAssertion(() => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC\u2212[45]$", cut.Find("[data-testid=short-link-table] td[data-label=Created]").TextContent.Trim()));
    }
}
