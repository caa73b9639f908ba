using System.Security.Claims;
using Portal.Features.ApiTokens;

namespace Portal.Features.Billing;

/// <summary>Who pays for a billed operation and under which request — shared by the API routes and the portal's forms.</summary>
/// <param name="UserId">The paying user.</param>
/// <param name="RequestId">Unique request id (becomes <see cref="Charge.RequestId"/>, ≤ 64 chars).</param>
/// <param name="ApiTokenId">The API token, when called through the API (its daily cap applies).</param>
/// <param name="Test">True for a test-mode caller (a <c>wxp_test_</c> token): it spends the test balance and is answered by the WeChat simulator.</param>
public sealed record BillingCaller(string UserId, string RequestId, Guid? ApiTokenId, bool Test = false)
{
    /// <summary>An API call: the token's owner, the request's <c>X-Request-Id</c>, the token and its mode.</summary>
    public static BillingCaller FromApi(HttpContext http, ClaimsPrincipal user) => new(user.UserId(), http.TraceIdentifier, user.ApiTokenId(), user.IsTestMode());

    /// <summary>A portal form submission: a fresh time-ordered request id, no token.</summary>
    public static BillingCaller FromPortal(string userId) => new(userId, Guid.CreateVersion7().ToString("N"), null);

    /// <summary>The debit of <paramref name="product"/> for this caller.</summary>
    public DebitRequest Debit(string product) => new(UserId, product, RequestId, ApiTokenId, Test: Test);
}
