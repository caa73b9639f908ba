using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Components.Shared;

/// <summary>
/// The time zone of the person looking at the pages, one per circuit (a scoped service): China Standard Time until
/// the browser has told its zone (<c>Intl.DateTimeFormat().resolvedOptions().timeZone</c>, read once per circuit by
/// <c>ViewerTimeZoneProbe</c> in the main layout), then that zone when this server knows its IANA id. Instants on the
/// pages (<see cref="UiFormat.Time(DateTimeOffset?)"/>) are shown in it; calendar days (date filters, per-day charts, expiry dates, CSV
/// exports) stay in China Standard Time, as their labels say.
/// </summary>
/// <remarks>
/// <see cref="UiFormat.Time(DateTimeOffset?)"/> is static and called from every page, so it finds the circuit's zone through an
/// ambient value that <see cref="ViewerTimeZoneCircuitHandler"/> sets around everything the circuit runs (events,
/// renders, JS calls, and the awaits that follow them). Outside a circuit (static pages, prerendering, jobs) it is
/// China Standard Time.
/// </remarks>
public sealed class ViewerTimeZone
{
    private static readonly AsyncLocal<ViewerTimeZone?> Ambient = new();

    /// <summary>IANA ids of China Standard Time: shown with its usual name (北京时间 / CST) rather than an offset.</summary>
    private static readonly HashSet<string> ChinaIds = new(StringComparer.OrdinalIgnoreCase)
        { "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC" };

    /// <summary>The zone instants are shown in; <see cref="UiFormat.DisplayZone"/> (China Standard Time) by default.</summary>
    public TimeZoneInfo Zone { get; private set; } = UiFormat.DisplayZone;

    /// <summary>Whether the browser has been asked (whatever it answered).</summary>
    public bool Read { get; private set; }

    /// <summary>The viewer of the circuit running now, or null outside a circuit.</summary>
    public static ViewerTimeZone? Current => Ambient.Value;

    /// <summary>
    /// Takes the browser's IANA zone id (e.g. <c>America/New_York</c>). An empty, unknown or China Standard Time id
    /// keeps China Standard Time. Returns whether the zone changed.
    /// </summary>
    public bool SetFromBrowser(string? ianaId)
    {
        Read = true;
        var zone = UiFormat.DisplayZone;
        if (!string.IsNullOrWhiteSpace(ianaId) && ianaId.Length <= 64 && !ChinaIds.Contains(ianaId)
            && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var found))
        {
            zone = found;
        }
        var changed = zone.Id != Zone.Id;
        Zone = zone;
        return changed;
    }

    /// <summary>Makes <paramref name="viewer"/> the ambient viewer for the current async flow until disposed.</summary>
    public static IDisposable Use(ViewerTimeZone viewer)
    {
        var previous = Ambient.Value;
        Ambient.Value = viewer;
        return new Restore(previous);
    }

    private sealed class Restore(ViewerTimeZone? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>Makes the circuit's <see cref="ViewerTimeZone"/> ambient around every inbound activity of the circuit.</summary>
public sealed class ViewerTimeZoneCircuitHandler(ViewerTimeZone viewer) : CircuitHandler
{
    /// <inheritdoc />
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            using (ViewerTimeZone.Use(viewer)) await next(context);
        };
}

/// <summary>Registration of the viewer's time zone.</summary>
public static class ViewerTimeZoneServices
{
    /// <summary>Adds <see cref="ViewerTimeZone"/> (scoped: one per circuit) and its circuit handler.</summary>
    public static IServiceCollection AddViewerTimeZone(this IServiceCollection services)
    {
        services.AddScoped<ViewerTimeZone>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, ViewerTimeZoneCircuitHandler>());
        return services;
    }
}
