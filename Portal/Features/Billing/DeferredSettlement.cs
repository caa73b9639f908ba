namespace Portal.Features.Billing;

/// <summary>
/// Per-request (scoped) switch: when the request carries an <c>Idempotency-Key</c>, the idempotency middleware turns
/// deferral on and settles the deferred charges in the same transaction that stores the response to replay.
/// Elsewhere (no key, Blazor circuits, jobs) <see cref="ChargeFlow"/> settles at once.
/// </summary>
public sealed class DeferredSettlement
{
    private readonly List<Guid> _charges = [];

    /// <summary>True when the current request's settlements are deferred.</summary>
    public bool Enabled { get; private set; }

    /// <summary>Charges waiting to be settled, in order.</summary>
    public IReadOnlyList<Guid> Charges => _charges;

    /// <summary>Turns deferral on for the rest of this scope.</summary>
    public void Enable() => Enabled = true;

    /// <summary>Defers <paramref name="chargeId"/> when enabled. Returns false (caller settles now) otherwise.</summary>
    public bool TryDefer(Guid chargeId)
    {
        if (!Enabled) return false;
        _charges.Add(chargeId);
        return true;
    }
}
