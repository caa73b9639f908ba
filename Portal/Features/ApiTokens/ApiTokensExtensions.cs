using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Portal.Features.ApiTokens;

/// <summary>Registers API-token issuing and the <c>ApiToken</c> authentication scheme and policy.</summary>
public static class ApiTokensExtensions
{
    /// <summary>Adds the service, scheme and policy, and the CORS policy of tokens' allowed origins.</summary>
    public static IServiceCollection AddApiTokens(this IServiceCollection services)
    {
        services.AddOptions<ApiTokenOptions>().BindConfiguration(ApiTokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<Infrastructure.Caching.IInUseCache>(sp => sp.GetRequiredService<ApiTokenService>());
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(ApiTokenAuthenticationHandler.PolicyName, p =>
            p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, ApiTokenCorsPolicyProvider>();
        return services;
    }
}
