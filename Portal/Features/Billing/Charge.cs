namespace Portal.Features.Billing;

/// <summary>Lifecycle of a <see cref="Charge"/>: Pending → Succeeded | Refunded, each transition at most once.</summary>
public enum ChargeStatus
{
    /// <summary>Debited; the work has not been settled yet.</summary>
    Pending,
    /// <summary>The call succeeded; the debit stands.</summary>
    Succeeded,
    /// <summary>The call failed; the debit was compensated by a refund entry.</summary>
    Refunded,
}

/// <summary>
/// The durable record of one billable call (docs/money.md). Created Pending together with its
/// debit entry in one transaction; settled by a guarded <c>UPDATE … WHERE Status = 'Pending'</c>.
/// </summary>
public sealed class Charge
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Who pays.</summary>
    public required string UserId { get; init; }

    /// <summary>Product code, e.g. <c>shortlink.create</c> (see <see cref="BillableProducts"/>).</summary>
    public required string Product { get; init; }

    /// <summary>Price debited, in fen.</summary>
    public long PriceFen { get; init; }

    /// <summary>Current status.</summary>
    public ChargeStatus Status { get; init; }

    /// <summary>Unique per charge: the request id that caused it (I3).</summary>
    public required string RequestId { get; init; }

    /// <summary>The API token used, when the call came through the API.</summary>
    public Guid? ApiTokenId { get; init; }

    /// <summary>The debit ledger entry.</summary>
    public Guid DebitEntryId { get; init; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it left Pending (UTC).</summary>
    public DateTimeOffset? SettledAt { get; init; }

    /// <summary>True for a call made with a test token: debited from and refunded to the test balance.</summary>
    public bool IsTest { get; init; }

    /// <summary>Why it was refunded (no secrets; ≤ 500 chars).</summary>
    public string? FailureReason { get; init; }
}
