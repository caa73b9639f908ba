namespace Portal.Features.Billing;

/// <summary>
/// Named places in the charge flow where tests can simulate a crash (docs/money.md, "Crash policy"). In production the injector
/// is <see cref="NoFaults"/> and every call is a no-op.
/// </summary>
public static class FaultPoints
{
    /// <summary>(a) The debit committed; the work has not started.</summary>
    public const string AfterDebit = "charge.after-debit";

    /// <summary>(b) The work failed (upstream error or timeout); the refund has not started.</summary>
    public const string OnWorkFailure = "charge.on-work-failure";

    /// <summary>(c) The work succeeded; the charge is not yet marked Succeeded.</summary>
    public const string AfterWorkSuccess = "charge.after-work-success";

    /// <summary>(d) Inside the refund transaction, after the guarded transition, before commit.</summary>
    public const string InsideRefund = "refund.before-commit";

    /// <summary>(e) Inside a reconciler run, after its first refund.</summary>
    public const string InsideReconciler = "reconciler.after-first-refund";

    /// <summary>Inside a ledger batch of two or more operations, after the first one's savepoint, before the next.</summary>
    public const string LedgerBetweenSavepoints = "ledger.between-savepoints";

    /// <summary>A ledger batch's COMMIT fails (the database refuses it): not a crash, the writer carries on.</summary>
    public const string LedgerCommitFails = "ledger.commit-fails";

    /// <summary>Inside a top-up credit's transaction: order Paid, balance and entry written, not committed.</summary>
    public const string InsideTopUpCredit = "topup.before-commit";

    /// <summary>A top-up credit committed; the provider's notification has not been answered yet.</summary>
    public const string AfterTopUpCredit = "topup.after-commit";

    /// <summary>SQLite with the log flush thread: flushing the log after committed batches fails (not a crash).</summary>
    public const string LedgerLogFlushFails = "ledger.log-flush-fails";

    /// <summary>A ledger batch committed; none of its callers has been answered yet.</summary>
    public const string LedgerAfterCommit = "ledger.after-commit";
}

/// <summary>Raised at an armed fault point: stands for the process dying there (nothing after it runs).</summary>
public sealed class InjectedFaultException(string point) : Exception($"injected fault at {point}")
{
    /// <summary>The point that fired.</summary>
    public string Point { get; } = point;
}

/// <summary>Decides whether a fault point fires.</summary>
public interface IFaultInjector
{
    /// <summary>Throws <see cref="InjectedFaultException"/> when <paramref name="point"/> is armed.</summary>
    void At(string point);
}

/// <summary>The production injector: never fires.</summary>
public sealed class NoFaults : IFaultInjector
{
    /// <inheritdoc />
    public void At(string point) { }
}
