namespace Portal.Features.MiniProgramCodes;

/// <summary>Registers mini-program code generation, storage and the purge job.</summary>
public static class MiniProgramCodesExtensions
{
    /// <summary>Adds the code services and binds <see cref="MiniProgramCodesOptions"/> (validated on start).</summary>
    public static IServiceCollection AddMiniProgramCodes(this IServiceCollection services)
    {
        services.AddOptions<MiniProgramCodesOptions>().BindConfiguration(MiniProgramCodesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MiniProgramCodeStore>();
        services.AddScoped<MiniProgramCodeCommands>();
        services.AddTransient<PurgeExpiredCodeImagesJob>();
        return services;
    }
}
