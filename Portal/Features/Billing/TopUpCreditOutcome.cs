namespace Portal.Features.Billing;

/// <summary>What became of a reported top-up payment (<see cref="BillingLedger.CreditTopUpAsync"/>).</summary>
public enum TopUpCreditResult
{
    /// <summary>This call moved the order to Paid and credited its amount.</summary>
    Credited,
    /// <summary>The order was already Paid (a duplicate or concurrent report): nothing credited again.</summary>
    AlreadyPaid,
    /// <summary>The payment does not match the order (amount or currency): the order is Flagged, nothing credited.</summary>
    Flagged,
    /// <summary>No order has this merchant order number.</summary>
    UnknownOrder,
}

/// <summary>Result of <see cref="BillingLedger.CreditTopUpAsync"/>.</summary>
/// <param name="Result">What happened.</param>
/// <param name="UserId">The order's owner (empty for an unknown order).</param>
/// <param name="AmountFen">The amount credited by this call, in fen (0 unless <see cref="TopUpCreditResult.Credited"/>).</param>
/// <param name="BalanceFen">The owner's balance afterwards, in fen.</param>
public sealed record TopUpCreditOutcome(TopUpCreditResult Result, string UserId, long AmountFen, long BalanceFen);
