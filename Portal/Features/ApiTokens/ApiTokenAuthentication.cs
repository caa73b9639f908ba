using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;

namespace Portal.Features.ApiTokens;

/// <summary>
/// Authentication scheme for the API: <c>Authorization: &lt;token&gt;</c> or <c>Authorization: Bearer &lt;token&gt;</c>
/// (seeds 000 and 002). A call from another site's web page (an <c>Origin</c> header that is not Portal's own) is
/// accepted only when the token lists that origin (<see cref="ApiTokenOriginAllowList"/>). A challenge answers 401 in
/// the envelope of the route being called.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenService tokens, PublicUrls urls)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Scheme name.</summary>
    public const string SchemeName = "ApiToken";

    /// <summary>Authorization policy that requires this scheme.</summary>
    public const string PolicyName = "ApiToken";

    /// <summary>Claim carrying the token id (a GUID).</summary>
    public const string TokenIdClaim = "api_token_id";

    /// <summary>Claim present (value <c>test</c>) when the caller used a test-mode token.</summary>
    public const string TestModeClaim = "api_token_mode";

    private const string FailureKey = "ApiToken.Failure";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString().Trim();
        if (header.Length == 0) return Fail("缺少 Authorization 请求头");
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;

        var principal = await tokens.AuthenticateAsync(token, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        if (principal is null) return Fail("API Token 无效、已过期或已撤销");
        var origin = Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !ApiTokenOriginAllowList.Allows(principal.AllowedOrigins, origin)
            && !ApiTokenCorsPolicyProvider.IsOwnOrigin(Request, urls, origin))
            return Fail("此 API Token 不接受来自该网页来源（Origin）的调用：请在控制台为该令牌添加允许的网页来源");

        List<Claim> claims = [new Claim(ClaimTypes.NameIdentifier, principal.UserId), new Claim(TokenIdClaim, principal.TokenId.ToString())];
        if (principal.Test) claims.Add(new Claim(TestModeClaim, "test"));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = Context.Items[FailureKey] as string ?? "未授权";
        return ApiEnvelope.For(Context, GatewayEnvelope.Instance).Error(StatusCodes.Status401Unauthorized, message).ExecuteAsync(Context);
    }

    private AuthenticateResult Fail(string message)
    {
        Context.Items[FailureKey] = message;
        return AuthenticateResult.Fail(message);
    }
}

/// <summary>Reads the API caller from the authenticated principal.</summary>
public static class ApiCaller
{
    /// <summary>The user id of the token's owner.</summary>
    /// <exception cref="InvalidOperationException">The endpoint was reached without API-token authentication.</exception>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("no authenticated API caller");

    /// <summary>The token id, when the caller used an API token.</summary>
    public static Guid? ApiTokenId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim), out var id) ? id : null;

    /// <summary>
    /// True when the caller used a test-mode token: its calls spend the test balance and are answered by the WeChat
    /// simulator, never by WeChat.
    /// </summary>
    public static bool IsTestMode(this ClaimsPrincipal user) => user.FindFirstValue(ApiTokenAuthenticationHandler.TestModeClaim) == "test";
}
