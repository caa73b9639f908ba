namespace Portal.Features.Dashboard;

/// <summary>Registers the home page's panels.</summary>
public static class DashboardExtensions
{
    /// <summary>Adds the onboarding checklist's read-only queries.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSingleton<OnboardingQueries>();
}
