namespace Portal.Components.Shared;

/// <summary>
/// The signed-in user's balance as shown in the app bar, shared by the pages of one circuit (scoped). Pages that
/// change the balance report the new value, so the app bar stays right without polling.
/// </summary>
public sealed class BalanceState
{
    /// <summary>Last known balance in fen, or null before the first load.</summary>
    public long? BalanceFen { get; private set; }

    /// <summary>Raised after <see cref="BalanceFen"/> changes.</summary>
    public event Action? Changed;

    /// <summary>Records a balance in fen read from the ledger or returned by an operation.</summary>
    public void Set(long balanceFen)
    {
        if (BalanceFen == balanceFen) return;
        BalanceFen = balanceFen;
        Changed?.Invoke();
    }
}
