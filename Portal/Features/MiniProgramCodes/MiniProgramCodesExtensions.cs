namespace Portal.Features.MiniProgramCodes;

/// <summary>Registers mini-program code generation, storage and the purge job.</summary>
public static class MiniProgramCodesExtensions
{
    /// <summary>Adds the code services and binds <see cref="MiniProgramCodesOptions"/> (validated on start).</summary>
    public static IServiceCollection AddMiniProgramCodes(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MiniProgramCodesOptions>().Bind(configuration.GetSection(MiniProgramCodesOptions.Section))
            .Validate(o => o.CacheTtl >= TimeSpan.Zero, "MiniProgramCodes:CacheTtl must not be negative")
            .Validate(o => o.Retention > TimeSpan.Zero, "MiniProgramCodes:Retention must be positive")
            .ValidateOnStart();
        services.AddSingleton<MiniProgramCodeStore>();
        services.AddScoped<MiniProgramCodeCommands>();
        services.AddTransient<PurgeExpiredCodeImagesJob>();
        return services;
    }
}
