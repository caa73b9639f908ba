namespace Portal.Features.Links;

/// <summary>What kind of client opened a public link page, read from its <c>User-Agent</c> header.</summary>
public enum VisitorDevice
{
    /// <summary>A desktop or laptop browser, or a client that did not say (also the fallback for bots and tools).</summary>
    Desktop,

    /// <summary>A phone or tablet browser outside WeChat.</summary>
    Phone,

    /// <summary>WeChat's built-in browser (<c>MicroMessenger</c>), on a phone or on the desktop client.</summary>
    WeChat,
}

/// <summary>Classifies a <c>User-Agent</c> string into a <see cref="VisitorDevice"/>.</summary>
public static class VisitorDevices
{
    // "Mobi" is the token browsers put in every mobile user agent (MDN's advice for mobile detection); the rest name
    // platforms whose tablets and some phones leave it out.
    private static readonly string[] PhoneTokens = ["Mobi", "Android", "iPhone", "iPad", "iPod", "HarmonyOS", "OpenHarmony"];

    /// <summary>
    /// <see cref="VisitorDevice.WeChat"/> when the agent contains <c>MicroMessenger</c>; <see cref="VisitorDevice.Phone"/>
    /// when it carries a mobile token (<c>Mobi</c>, <c>Android</c>, <c>iPhone</c>, <c>iPad</c>, <c>iPod</c>,
    /// <c>HarmonyOS</c>); otherwise (including no header) <see cref="VisitorDevice.Desktop"/>. An iPad that asks for
    /// the desktop site reports itself as a Mac and is classed as a desktop.
    /// </summary>
    public static VisitorDevice Classify(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return VisitorDevice.Desktop;
        if (userAgent.Contains("MicroMessenger", StringComparison.OrdinalIgnoreCase)) return VisitorDevice.WeChat;
        return PhoneTokens.Any(t => userAgent.Contains(t, StringComparison.Ordinal)) ? VisitorDevice.Phone : VisitorDevice.Desktop;
    }
}
