using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// The portal's MudBlazor theme (WeChat-ish green primary, system fonts that cover Chinese). Every colour that carries
/// text — white on a filled button or chip, or coloured text on white — has a contrast of at least 4.5:1 (WCAG AA),
/// which MudBlazor's default success, info, warning and error colours and WeChat's own green (#07a35a, 3.3:1) miss.
/// </summary>
public static class PortalTheme
{
    /// <summary>The theme.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#067d45",
            Secondary = "#1b6ec2",
            Info = "#0b6bcb",
            Success = "#1b7a3a",
            Warning = "#a35200",
            Error = "#c62828",
            AppbarBackground = "#1f2937",
            AppbarText = "#ffffff",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["-apple-system", "BlinkMacSystemFont", "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
