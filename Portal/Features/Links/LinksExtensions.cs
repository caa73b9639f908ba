namespace Portal.Features.Links;

/// <summary>Registers short links and mini-program links.</summary>
public static class LinksExtensions
{
    /// <summary>Adds the link services.</summary>
    public static IServiceCollection AddLinks(this IServiceCollection services)
    {
        services.AddSingleton<LinkService>();
        services.AddScoped<LinkCommands>();
        return services;
    }
}
