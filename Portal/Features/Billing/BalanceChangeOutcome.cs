namespace Portal.Features.Billing;

/// <summary>Why a credit/adjustment/redemption did not happen.</summary>
public enum BalanceChangeError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>A debit adjustment would take the balance below zero.</summary>
    InsufficientFunds,
    /// <summary>The user does not exist.</summary>
    UnknownUser,
    /// <summary>Redemption code not found.</summary>
    CodeNotFound,
    /// <summary>Redemption code was already claimed.</summary>
    CodeAlreadyRedeemed,
    /// <summary>Redemption code is past its expiry.</summary>
    CodeExpired,
    /// <summary>Redemption code was voided by an admin before anyone claimed it.</summary>
    CodeVoided,
    /// <summary>Amount is zero or out of range.</summary>
    InvalidAmount,
}

/// <summary>Result of a credit, adjustment or redemption.</summary>
/// <param name="Error"><see cref="BalanceChangeError.None"/> on success.</param>
/// <param name="AmountFen">The signed amount applied, in fen.</param>
/// <param name="BalanceFen">Balance in fen afterwards (unchanged on error).</param>
public sealed record BalanceChangeOutcome(BalanceChangeError Error, long AmountFen, long BalanceFen)
{
    /// <summary>True when the balance changed.</summary>
    public bool Succeeded => Error == BalanceChangeError.None;
}
