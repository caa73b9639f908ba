using Microsoft.Extensions.Options;

namespace Portal.Features.WeChat;

/// <summary>Registers the WeChat feature: options, the client, the token store, the registry and seed-003 commands.</summary>
public static class WeChatExtensions
{
    /// <summary>Adds the WeChat services; <c>WeChat</c> options are validated on start.</summary>
    public static IServiceCollection AddWeChat(this IServiceCollection services)
    {
        services.AddOptions<WeChatOptions>().BindConfiguration(WeChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(WeChatApiClient.HttpClientName, (sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<WeChatOptions>>().Value.ApiBaseUrl;
                client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                // Each call sets its own timeout (5 s JSON, 10 s images) through a CancellationToken.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The default handlers log full request URIs, and WeChat puts the AppSecret and access_token in the query.
            .RemoveAllLoggers();
        services.AddSingleton<AppSecretProtector>();
        services.AddSingleton<WeChatTokenStore>();
        services.AddSingleton<WeChatApiClient>();
        services.AddSingleton<WeChatSimulator>();
        // Test-mode (sandbox) apps are answered by the simulator, every other app by WeChat.
        services.AddSingleton<IWeChatApi, ModeRoutingWeChatApi>();
        services.AddSingleton<MiniProgramAppService>();
        services.AddSingleton<Infrastructure.Caching.IInUseCache>(sp => sp.GetRequiredService<MiniProgramAppService>());
        services.AddSingleton<WeChatSessionService>();
        services.AddTransient<PurgeExpiredWeChatSessionsJob>();
        services.AddSecretPathRedaction();
        return services;
    }
}
