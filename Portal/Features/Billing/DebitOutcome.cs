namespace Portal.Features.Billing;

/// <summary>Why a debit did not happen.</summary>
public enum DebitRefusal
{
    /// <summary>It happened.</summary>
    None,
    /// <summary>The balance is below the price (402).</summary>
    InsufficientFunds,
    /// <summary>The API token's daily spend cap would be passed (402).</summary>
    DailyCapReached,
    /// <summary>One of <see cref="DebitRequest.Rows"/> broke a unique key (e.g. a short code already taken): retry with fresh rows.</summary>
    RowConflict,
    /// <summary>A charge with this request id already exists (I3): nothing was debited again.</summary>
    DuplicateRequest,
}

/// <summary>Result of <see cref="BillingLedger.DebitAsync"/>.</summary>
/// <param name="Refusal"><see cref="DebitRefusal.None"/> when debited; otherwise why nothing was written.</param>
/// <param name="ChargeId">The new charge, or <see cref="Guid.Empty"/>.</param>
/// <param name="PriceFen">Price debited (or that would have been), in fen.</param>
/// <param name="BalanceFen">Balance in fen after the debit, or the unchanged balance when it was refused.</param>
public sealed record DebitOutcome(DebitRefusal Refusal, Guid ChargeId, long PriceFen, long BalanceFen)
{
    /// <summary>True when debited.</summary>
    public bool Succeeded => Refusal == DebitRefusal.None;

    /// <summary>True when the refusal was the API token's daily spend cap, not the balance.</summary>
    public bool DailyCapReached => Refusal == DebitRefusal.DailyCapReached;
}
