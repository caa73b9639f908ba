namespace Portal.Infrastructure.Idempotency;

/// <summary>
/// The money side of a request made with <c>Idempotency-Key</c>, seen from <see cref="IdempotencyMiddleware"/>: the
/// charges the request makes are settled together with storing its response, in one transaction, so that a charge
/// becomes final exactly when the response becomes replayable. Implemented by the Billing feature (scoped: one per request).
/// </summary>
public interface IIdempotentSettlement
{
    /// <summary>From now on, the request's charges wait for <see cref="CompleteAsync"/> instead of settling at once.</summary>
    void Defer();

    /// <summary>
    /// Completes once every write of the billing ledger committed so far is on disk: a stored response is replayed only
    /// after it, so that no replay answers for a write a power loss could still take back.
    /// </summary>
    Task DurableAsync();

    /// <summary>How many charges are waiting.</summary>
    int DeferredCount { get; }

    /// <summary>
    /// Settles the waiting charges; with <paramref name="response"/>, stores it as the key's replayable response in the
    /// same transaction. Without a response and without waiting charges, does nothing.
    /// </summary>
    /// <returns>The number of charges settled.</returns>
    Task<int> CompleteAsync(IdempotentResponse? response, CancellationToken ct);
}

/// <summary>A response stored for replay under an idempotency record.</summary>
/// <param name="RecordId">The <see cref="IdempotencyRecord"/> it belongs to.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="ContentType">Content-Type, if any.</param>
/// <param name="ContentDisposition">Content-Disposition, if any (seed 001's image route).</param>
/// <param name="CacheControl">Cache-Control, if any.</param>
/// <param name="Body">The body bytes.</param>
public sealed record IdempotentResponse(Guid RecordId, int Status, string? ContentType, string? ContentDisposition, string? CacheControl, byte[] Body);
