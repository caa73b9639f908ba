using Scalar.AspNetCore;

namespace Portal.Infrastructure.Api.OpenApi;

/// <summary>
/// The API reference at <c>/api-docs</c> (Scalar, served with its own script from this site): no web fonts, telemetry,
/// assistant or request proxy (nothing leaves the site), without the vendor's developer toolbar, opening on the
/// document's introduction, with the API token entered once in the <c>ApiToken</c> scheme (kept in the browser), and
/// request samples in curl, C#, Python and JavaScript.
/// </summary>
public static class ApiDocsPage
{
    /// <summary>The page's path.</summary>
    public const string Path = "/api-docs";

    /// <summary>Maps the page.</summary>
    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Portal API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .HideDarkModeToggle()
            .AddPreferredSecuritySchemes(PortalOpenApi.TokenScheme)
            .AddApiKeyAuthentication(PortalOpenApi.TokenScheme, key => key.Value = "")
            .EnablePersistentAuthentication()
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
            .WithFeaturedClients(
                new(ScalarTarget.Shell, ScalarClient.Curl), new(ScalarTarget.CSharp, ScalarClient.HttpClient),
                new(ScalarTarget.Python, ScalarClient.Requests), new(ScalarTarget.JavaScript, ScalarClient.Fetch))
            .WithOptions(o =>
            {
                o.EnabledTargets = [ScalarTarget.Shell, ScalarTarget.CSharp, ScalarTarget.Python, ScalarTarget.JavaScript];
                o.EnabledClients = [ScalarClient.Curl, ScalarClient.HttpClient, ScalarClient.Requests, ScalarClient.Fetch];
            }));
        return app;
    }

    private static ScalarOptions WithOptions(this ScalarOptions options, Action<ScalarOptions> configure)
    {
        configure(options);
        return options;
    }
}
