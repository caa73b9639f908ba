namespace Portal.Features.Accounts;

/// <summary>Authorization policy names.</summary>
public static class AuthorizationPolicies
{
    /// <summary>Signed-in portal user in the Admin role.</summary>
    public const string Admin = "Admin";
}
