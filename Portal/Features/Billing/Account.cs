namespace Portal.Features.Billing;

/// <summary>
/// A user's prepaid balance in fen (1 yuan = 100 fen). Only <see cref="BillingLedger"/> writes it, always
/// together with a <see cref="LedgerEntry"/>, so that <c>BalanceFen == Σ LedgerEntries.AmountFen</c> (I2);
/// a database CHECK keeps it at or above zero (I1). The same row holds the user's separate test-mode balance
/// (<see cref="TestBalanceFen"/>), spent only by test tokens and held to the same invariants over the test entries.
/// </summary>
public sealed class Account
{
    /// <summary>The Identity user id (primary key and foreign key).</summary>
    public required string UserId { get; init; }

    /// <summary>Current balance in fen, never negative.</summary>
    public long BalanceFen { get; private set; }

    /// <summary>
    /// Test-mode balance in fen, never negative: what test tokens (<c>wxp_test_…</c>) spend, refilled freely by the user.
    /// Equals the sum of the user's ledger entries with <see cref="LedgerEntry.IsTest"/> set; live money never moves it.
    /// </summary>
    public long TestBalanceFen { get; private set; }

    /// <summary>When the account row was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
