namespace Portal.Features.Billing;

/// <summary>Result of a refund attempt.</summary>
/// <param name="Refunded">True when this call moved the charge Pending → Refunded; false when it was already settled.</param>
/// <param name="BalanceFen">The user's balance in fen afterwards (the test balance for a test charge).</param>
/// <param name="Test">True when the charge was a test-mode charge.</param>
public sealed record RefundOutcome(bool Refunded, long BalanceFen, bool Test = false);
