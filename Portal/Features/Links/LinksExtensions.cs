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
}
