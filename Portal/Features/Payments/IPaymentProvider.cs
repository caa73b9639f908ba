namespace Portal.Features.Payments;

/// <summary>What the provider says about an order.</summary>
public enum PaymentState
{
    /// <summary>Not paid yet (WeChat <c>NOTPAY</c>, <c>USERPAYING</c>); still payable until it expires.</summary>
    Unpaid,
    /// <summary>Paid (WeChat <c>SUCCESS</c>): the amounts tell how much.</summary>
    Paid,
    /// <summary>Closed, revoked or failed at the provider (WeChat <c>CLOSED</c>, <c>REVOKED</c>, <c>PAYERROR</c>); will never be paid.</summary>
    Closed,
    /// <summary>Paid and then (partly) refunded by the merchant outside Portal (WeChat <c>REFUND</c>).</summary>
    Refunded,
    /// <summary>The provider does not know the order (WeChat 404 <c>ORDER_NOT_EXIST</c>).</summary>
    NotFound,
}

/// <summary>A verified report of one order's payment, from a query answer or a decrypted notification.</summary>
/// <param name="OutTradeNo">The merchant order number.</param>
/// <param name="State">Its state at the provider.</param>
/// <param name="TransactionId">The provider's transaction id, when paid.</param>
/// <param name="TotalFen">The order total the provider holds, in fen (null when unknown).</param>
/// <param name="Currency">The currency of <paramref name="TotalFen"/> (ISO 4217), when known.</param>
/// <param name="MerchantId">The merchant the report is for (must be ours).</param>
/// <param name="AppId">The AppID the report is for (must be ours).</param>
public sealed record PaymentReport(string OutTradeNo, PaymentState State, string? TransactionId, long? TotalFen, string? Currency, string? MerchantId, string? AppId);

/// <summary>An order created at the provider: what the payer scans.</summary>
/// <param name="CodeUrl">The QR code content (WeChat Pay Native <c>code_url</c>).</param>
public sealed record PaymentCreated(string CodeUrl);

/// <summary>A notification the provider sent, checked: either a report to act on or why it was refused.</summary>
/// <param name="Report">The verified, decrypted report; null when refused.</param>
/// <param name="Error">Why it was refused (safe to return to the provider and to log); null when accepted.</param>
public sealed record PaymentNotice(PaymentReport? Report, string? Error);

/// <summary>The provider refused a call or answered something Portal could not trust (unsigned, stale, malformed).</summary>
/// <param name="message">What went wrong (no secrets).</param>
/// <param name="definite">True when the provider definitely did not act (a 4xx answer), false when nobody can tell (timeout, 5xx).</param>
/// <param name="inner">The transport failure, if any.</param>
public sealed class PaymentProviderException(string message, bool definite = false, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the provider definitely did not act on the call.</summary>
    public bool Definite { get; } = definite;
}

/// <summary>
/// A payment provider as the top-up flow needs it (WeChat Pay today; Alipay or Stripe can implement the same without
/// touching the ledger or <see cref="TopUpService"/>). Implementations verify everything they return.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Stored on each order (<see cref="TopUpOrder.Provider"/>), ≤ 20 chars.</summary>
    string Name { get; }

    /// <summary>True when the provider is configured and may be offered.</summary>
    bool Enabled { get; }

    /// <summary>Creates the order at the provider and returns what the payer scans.</summary>
    /// <exception cref="PaymentProviderException">Refused or unverifiable.</exception>
    Task<PaymentCreated> CreateAsync(TopUpOrder order, string description, CancellationToken ct);

    /// <summary>Asks the provider where the order stands.</summary>
    /// <exception cref="PaymentProviderException">Refused or unverifiable.</exception>
    Task<PaymentReport> QueryAsync(string outTradeNo, CancellationToken ct);

    /// <summary>Closes an unpaid order at the provider so it can no longer be paid.</summary>
    /// <exception cref="PaymentProviderException">Refused (e.g. already paid) or unverifiable.</exception>
    Task CloseAsync(string outTradeNo, CancellationToken ct);

    /// <summary>Verifies and decrypts a notification; never throws for bad input.</summary>
    /// <param name="headers">The request headers (name → value, case-insensitive).</param>
    /// <param name="body">The raw body, exactly as received.</param>
    PaymentNotice ReadNotification(Func<string, string?> headers, string body);
}
