namespace Portal.Features.Billing;

/// <summary>What moved money; stored as its name.</summary>
public enum LedgerEntryKind
{
    /// <summary>Credit from a paid top-up order (a payment provider); <see cref="LedgerEntry.TopUpOrderId"/> names it.</summary>
    TopUp,
    /// <summary>Credit from redeeming a code.</summary>
    Redeem,
    /// <summary>An admin's manual credit or debit, with a reason.</summary>
    AdminAdjust,
    /// <summary>Debit for one billable call (see <see cref="Charge"/>).</summary>
    Charge,
    /// <summary>Compensating credit for a charge whose call failed.</summary>
    Refund,
    /// <summary>Free credit the user added to their test-mode balance (always <see cref="LedgerEntry.IsTest"/>).</summary>
    TestCredit,
}

/// <summary>
/// One immutable movement of a user's balance (I5: never updated or deleted). A refund is a new, compensating
/// row whose <see cref="RefundOfEntryId"/> names the debit it reverses; a unique index on that column makes a
/// second refund of the same debit impossible (I4).
/// </summary>
public sealed class LedgerEntry
{
    /// <summary>Time-ordered id (UUIDv7).</summary>
    public Guid Id { get; init; }

    /// <summary>Owner of the balance.</summary>
    public required string UserId { get; init; }

    /// <summary>Signed amount in fen: negative for debits.</summary>
    public long AmountFen { get; init; }

    /// <summary>Kind of movement.</summary>
    public LedgerEntryKind Kind { get; init; }

    /// <summary>The account balance in fen right after this entry.</summary>
    public long BalanceAfterFen { get; init; }

    /// <summary>The charge this entry debits or refunds, if any.</summary>
    public Guid? ChargeId { get; init; }

    /// <summary>For a refund: the debit entry it reverses (unique).</summary>
    public Guid? RefundOfEntryId { get; init; }

    /// <summary>For a redemption: the code that was claimed.</summary>
    public Guid? RedemptionCodeId { get; init; }

    /// <summary>For a top-up: the paid order (unique: an order is credited at most once).</summary>
    public Guid? TopUpOrderId { get; init; }

    /// <summary>For an admin adjustment: the admin's user id.</summary>
    public string? AdminUserId { get; init; }

    /// <summary>Human-readable reason or product name (≤ 500 chars).</summary>
    public string? Description { get; init; }

    /// <summary>The HTTP request id (X-Request-Id) that caused the movement, when there was one.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// True for a test-mode movement: it moves <see cref="Account.TestBalanceFen"/>, never the live balance, and is left
    /// out of every live total (money reports, I2 of the live balance).
    /// </summary>
    public bool IsTest { get; init; }

    /// <summary>When it happened (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
