namespace Portal.Features.Links;

/// <summary>Registers short links and mini-program links.</summary>
public static class LinksExtensions
{
    /// <summary>Adds the link services.</summary>
    public static IServiceCollection AddLinks(this IServiceCollection services)
    {
        services.AddOptions<LinksOptions>().BindConfiguration(LinksOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LinkService>();
        services.AddScoped<LinkCommands>();
        services.AddTransient<PurgeOldVisitStatsJob>();
        return services;
    }
}

/// <summary>Configuration section <c>Links</c>.</summary>
public sealed class LinksOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Links";

    /// <summary>Domains no short link may target (each also blocks its sub-domains). Default empty.</summary>
    public string[] BlockedDomains { get; set; } = [];

    /// <summary>
    /// Days of per-day visit statistics kept (referrer host and device class per link and day); older days are deleted
    /// by <see cref="PurgeOldVisitStatsJob"/>. Visit counts themselves are never deleted. At least 367, since a link's
    /// page shows up to a year. Default 400.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(367, 36_500)]
    public int VisitStatsRetentionDays { get; set; } = 400;
}
