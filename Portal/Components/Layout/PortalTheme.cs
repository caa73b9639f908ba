using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>The portal's MudBlazor theme (WeChat-ish green primary, system fonts that cover Chinese).</summary>
public static class PortalTheme
{
    /// <summary>The theme.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#07a35a",
            Secondary = "#1b6ec2",
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
