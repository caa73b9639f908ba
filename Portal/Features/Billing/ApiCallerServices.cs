using System.Security.Claims;
using Portal.Features.ApiTokens;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Idempotency;

namespace Portal.Features.Billing;

/// <summary>
/// The caller of an API route as the shared API machinery sees it: the token from its claims, the balance from the
/// ledger — the test balance for a test-mode token.
/// </summary>
internal sealed class LedgerApiCallers(BillingLedger ledger) : IApiCallers
{
    /// <inheritdoc />
    public Guid? TokenIdOf(ClaimsPrincipal user) => user.ApiTokenId();

    /// <inheritdoc />
    public async Task<long?> BalanceFenAsync(ClaimsPrincipal user, CancellationToken ct) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId ? await ledger.GetBalanceFenAsync(userId, user.IsTestMode(), ct) : null;
}

/// <summary>
/// An idempotent request's charges: deferred in <see cref="DeferredSettlement"/> while the request runs, then settled by
/// the ledger together with storing the response (<see cref="BillingLedger.SettleAsync(IReadOnlyCollection{Guid}, IdempotentResponse?, CancellationToken)"/>).
/// </summary>
internal sealed class LedgerIdempotentSettlement(BillingLedger ledger, DeferredSettlement deferred) : IIdempotentSettlement
{
    /// <inheritdoc />
    public void Defer() => deferred.Enable();

    /// <inheritdoc />
    public int DeferredCount => deferred.Charges.Count;

    /// <inheritdoc />
    public Task DurableAsync() => ledger.DurableAsync();

    /// <inheritdoc />
    public Task<int> CompleteAsync(IdempotentResponse? response, CancellationToken ct) =>
        response is null && deferred.Charges.Count == 0 ? Task.FromResult(0) : ledger.SettleAsync(deferred.Charges, response, ct);
}
