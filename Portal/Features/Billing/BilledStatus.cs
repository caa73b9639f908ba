namespace Portal.Features.Billing;

/// <summary>Every outcome of a billed call, before or after the debit; each API family maps it to its status code.</summary>
public enum BilledStatus
{
    /// <summary>Work done; the debit stands (200).</summary>
    Succeeded,
    /// <summary>Input invalid: rejected before the debit, or refunded (400).</summary>
    InvalidInput,
    /// <summary>The object does not exist (or belongs to someone else): rejected before the debit, or refunded (404).</summary>
    NotFound,
    /// <summary>Balance below the price; nothing was debited (402).</summary>
    InsufficientFunds,
    /// <summary>The upstream answered with an error; refunded (502).</summary>
    UpstreamError,
    /// <summary>Timeout, network or internal error; refunded (500).</summary>
    InternalError,
}
