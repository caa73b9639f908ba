namespace Portal.Features.Billing;

/// <summary>
/// A user's low-balance alert: when the balance falls below <see cref="ThresholdFen"/> the portal shows a banner and
/// the <see cref="LowBalanceAlertJob"/> sends one e-mail (when mail is configured), then waits until the balance is back
/// at or above the threshold before it can alert again. One row per user who set a threshold.
/// </summary>
public sealed class BalanceAlert
{
    /// <summary>The user (Identity id); also the key.</summary>
    public required string UserId { get; init; }

    /// <summary>Alert below this balance, in fen (1 to <see cref="Money.MaxAmountFen"/>).</summary>
    public long ThresholdFen { get; set; }

    /// <summary>When the alert for the current crossing was sent; null while the balance is at or above the threshold.</summary>
    public DateTimeOffset? AlertedAt { get; set; }
}
