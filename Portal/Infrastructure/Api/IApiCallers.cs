using System.Security.Claims;

namespace Portal.Infrastructure.Api;

/// <summary>
/// What the shared API machinery (envelopes, idempotency, rate limiting) needs to know about the caller of an API
/// route. Infrastructure defines it; the features implement it (the API token's id comes from the ApiTokens feature's
/// claims, the balance from the Billing feature's ledger) and register the implementation in their <c>Add…()</c>.
/// </summary>
public interface IApiCallers
{
    /// <summary>The id of the API token the request was authenticated with, or null (no token, or a portal cookie).</summary>
    Guid? TokenIdOf(ClaimsPrincipal user);

    /// <summary>The caller's current balance in fen, for the error bodies that report it; null when the request carries no user.</summary>
    Task<long?> BalanceFenAsync(ClaimsPrincipal user, CancellationToken ct);
}
