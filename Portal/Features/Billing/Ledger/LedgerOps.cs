using System.Data.Common;
using Portal.Features.ApiTokens;
using Portal.Infrastructure;
using Portal.Infrastructure.Idempotency;

namespace Portal.Features.Billing.Ledger;

/// <summary>
/// One request's work for the ledger writer. The writer runs it in a batch transaction so that it can be undone alone
/// (inside its own savepoint, or — a debit without a daily cap on SQLite or in PostgreSQL's pipeline — by running the
/// batch again without it):
/// <see cref="Execute"/> returns false (or a statement raises a constraint violation) to undo only its own
/// statements, and the outcome it recorded is answered only after the batch commits.
/// </summary>
internal abstract class LedgerOp
{
    /// <summary>The account the operation locks first (ops of a batch run in this order, so instances agree on lock order); empty when none.</summary>
    public abstract string LockKey { get; }

    /// <summary>Runs the statements. Returns false when they must be undone (the outcome is already recorded).</summary>
    public abstract bool Execute(LedgerSession session, DateTimeOffset now);

    /// <summary>
    /// A statement broke a constraint; the operation's statements are undone (its savepoint rolled back, or the batch
    /// run again without it). Records the outcome to answer.
    /// </summary>
    public abstract void Refused(DbException error);

    /// <summary>True once a run of its batch was refused: it then runs in a savepoint of its own, whatever its kind.</summary>
    public bool InSavepoint { get; set; }

    /// <summary>When the operation was submitted (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the metrics.</summary>
    public long SubmittedAt { get; set; }

    /// <summary>Answers the caller after the commit.</summary>
    public abstract void Complete();

    /// <summary>Answers the caller with a failure (nothing of the batch committed, or nobody can tell).</summary>
    public abstract void Fail(Exception error);
}

/// <summary>An operation with a typed outcome.</summary>
internal abstract class LedgerOp<T> : LedgerOp
{
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _outcome;

    /// <summary>Completes with the outcome once the batch committed.</summary>
    public Task<T> Answer => _answer.Task;

    /// <summary>Records the outcome to answer after the commit.</summary>
    protected void Record(T outcome) => _outcome = outcome;

    /// <inheritdoc />
    public override void Complete()
    {
        if (SubmittedAt != 0) LedgerMetrics.OperationSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(SubmittedAt).TotalSeconds);
        _answer.TrySetResult(_outcome!);
    }

    /// <inheritdoc />
    public override void Fail(Exception error) => _answer.TrySetException(error);
}

/// <summary>
/// A debit: the conditional balance update, the token's daily cap, the work's own rows, the ledger entry and the charge
/// (Pending, or already Succeeded when the work was done locally and is inside this write).
/// </summary>
internal sealed class DebitOp(DebitRequest request, long priceFen, long? dailyCapFen, Guid chargeId, Guid entryId) : LedgerOp<DebitOutcome>
{
    private bool _inRows;

    /// <summary>What was asked.</summary>
    public DebitRequest Request => request;

    /// <summary>The price debited, in fen.</summary>
    public long PriceFen => priceFen;

    /// <summary>True when the token's daily cap applies (then the debit runs statement by statement).</summary>
    public bool HasDailyCap => dailyCapFen is not null && request.ApiTokenId is not null;

    public override string LockKey => request.UserId;

    public override bool Execute(LedgerSession session, DateTimeOffset now)
    {
        _inRows = false;
        if (session.Scalar(session.DebitOf(request.Test), request.UserId, priceFen) is not { } balanceAfter)
        {
            Record(new DebitOutcome(DebitRefusal.InsufficientFunds, Guid.Empty, priceFen, session.Scalar(session.BalanceOf(request.Test), request.UserId) ?? 0));
            return true;
        }
        if (dailyCapFen is { } cap && request.ApiTokenId is { } tokenId)
        {
            // After the account: the one lock order (account, then daily spend) everywhere.
            var day = DayKey.Of(now);
            session.Execute(session.EnsureDailySpend, tokenId, day);
            if (session.Execute(session.SpendWithinCap, tokenId, day, priceFen, cap) != 1)
            {
                Record(new DebitOutcome(DebitRefusal.DailyCapReached, Guid.Empty, priceFen, balanceAfter + priceFen));
                return false;
            }
        }

        _inRows = true;
        foreach (var row in request.Rows ?? []) session.Insert(row);
        _inRows = false;
        session.Insert(LedgerEntry(balanceAfter, now));
        session.Insert(Charge(now));
        Record(new DebitOutcome(DebitRefusal.None, chargeId, priceFen, balanceAfter));
        return true;
    }

    /// <summary>The debit's ledger entry.</summary>
    public LedgerEntry LedgerEntry(long balanceAfter, DateTimeOffset now) => new()
    {
        Id = entryId, UserId = request.UserId, AmountFen = -priceFen, Kind = LedgerEntryKind.Charge, BalanceAfterFen = balanceAfter,
        ChargeId = chargeId, Description = request.Product, RequestId = request.RequestId, IsTest = request.Test, CreatedAt = now,
    };

    /// <summary>The debit's charge: Succeeded when the work is inside this write, else Pending.</summary>
    public Charge Charge(DateTimeOffset now) => new()
    {
        Id = chargeId, UserId = request.UserId, Product = request.Product, PriceFen = priceFen,
        Status = request.Settled ? ChargeStatus.Succeeded : ChargeStatus.Pending, SettledAt = request.Settled ? now : null,
        RequestId = request.RequestId, ApiTokenId = request.ApiTokenId, DebitEntryId = entryId, IsTest = request.Test, CreatedAt = now,
    };

    /// <summary>The outcome of the pipelined statement: the balance after (null when too low) and before it.</summary>
    public void Pipelined(long? balanceAfter, long balanceBefore)
    {
        _inRows = false;
        Record(balanceAfter is { } after
            ? new DebitOutcome(DebitRefusal.None, chargeId, priceFen, after)
            : new DebitOutcome(DebitRefusal.InsufficientFunds, Guid.Empty, priceFen, balanceBefore));
    }

    public override void Refused(DbException error)
    {
        // Run statement by statement the failing stage is known; in one statement the broken constraint tells. The
        // balance is not known here: BillingLedger.DebitAsync reads it.
        var rowConflict = _inRows || (error is Npgsql.PostgresException { TableName: var table } && table is not null
            && !table.Equals("Charges", StringComparison.Ordinal) && !table.Equals("LedgerEntries", StringComparison.Ordinal));
        Record(new DebitOutcome(rowConflict ? DebitRefusal.RowConflict : DebitRefusal.DuplicateRequest, Guid.Empty, priceFen, 0));
    }
}

/// <summary>
/// Settles Pending charges as Succeeded (each a guarded transition) and, when given, stores the idempotent response in
/// the same savepoint, so a response becomes replayable exactly when its charges stand.
/// </summary>
internal sealed class SettleOp(IReadOnlyCollection<Guid> chargeIds, IdempotentResponse? response) : LedgerOp<int>
{
    public override string LockKey => "";

    public override bool Execute(LedgerSession session, DateTimeOffset now)
    {
        var settled = 0;
        foreach (var id in chargeIds)
            settled += session.Execute(session.Settle, id, ChargeStatus.Succeeded, now, ChargeStatus.Pending);
        if (response is { } r)
            session.Execute(session.CompleteIdempotencyKey, r.RecordId, Infrastructure.Idempotency.IdempotencyStatus.Completed,
                r.Status, r.ContentType, r.ContentDisposition, r.CacheControl, r.Body, Infrastructure.Idempotency.IdempotencyStatus.InProgress);
        Record(settled);
        return true;
    }

    public override void Refused(DbException error) => Record(0);
}

/// <summary>
/// Writes nothing: answered once every batch committed before it is on disk (with the SQLite log flush thread a commit
/// is visible to other connections just before it is flushed; a reader that acts on what it saw waits for this first).
/// </summary>
internal sealed class BarrierOp : LedgerOp<bool>
{
    public override string LockKey => "";

    public override bool Execute(LedgerSession session, DateTimeOffset now)
    {
        Record(true);
        return true;
    }

    public override void Refused(DbException error) => Record(false);
}

/// <summary>
/// A refund: credit the account, then the guarded transition Pending → Refunded (undone when another refund or the
/// settlement got there first), the daily cap given back, and the compensating ledger entry.
/// </summary>
internal sealed class RefundOp(Guid chargeId, string? userId, string reason, IFaultInjector faults) : LedgerOp<RefundOutcome>
{
    public override string LockKey => userId ?? "";

    public override bool Execute(LedgerSession session, DateTimeOffset now)
    {
        var charge = session.ReadCharge(chargeId);
        if (charge is null)
        {
            Record(new RefundOutcome(false, 0));
            return true;
        }
        if (charge.Status != ChargeStatus.Pending)
        {
            Record(new RefundOutcome(false, session.Scalar(session.BalanceOf(charge.IsTest), charge.UserId) ?? 0, charge.IsTest));
            return true;
        }
        // The charge's own mode picks the balance: a test charge is refunded to the test balance, a live one to the live balance.
        var balanceAfter = session.Scalar(session.CreditOf(charge.IsTest), charge.UserId, charge.PriceFen) ?? 0;
        if (session.Execute(session.MarkRefunded, chargeId, ChargeStatus.Refunded, now, reason, ChargeStatus.Pending) != 1)
        {
            Record(new RefundOutcome(false, balanceAfter - charge.PriceFen, charge.IsTest));
            return false;
        }
        if (charge.ApiTokenId is { } tokenId)
            session.Execute(session.GiveBackSpend, tokenId, DayKey.Of(charge.CreatedAt), charge.PriceFen);
        session.Insert(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = charge.UserId, AmountFen = charge.PriceFen, Kind = LedgerEntryKind.Refund,
            BalanceAfterFen = balanceAfter, ChargeId = charge.Id, RefundOfEntryId = charge.DebitEntryId,
            Description = charge.Product, RequestId = charge.RequestId, IsTest = charge.IsTest, CreatedAt = now,
        });
        faults.At(FaultPoints.InsideRefund);
        Record(new RefundOutcome(true, balanceAfter, charge.IsTest));
        return true;
    }

    // UNIQUE(RefundOfEntryId): another refund of this debit committed first (I4).
    public override void Refused(DbException error) => Record(new RefundOutcome(false, 0));
}

/// <summary>Coalesced counters: token last-use times and link visit counts gathered in memory since the last flush.</summary>
internal sealed class FlushCountersOp(IReadOnlyCollection<TokenUse> tokenUses, IReadOnlyCollection<LinkVisits> shortLinks, IReadOnlyCollection<LinkVisits> miniProgramLinks,
    IReadOnlyCollection<VisitStatCount>? visitStats = null)
    : LedgerOp<bool>
{
    public override string LockKey => "";

    public override bool Execute(LedgerSession session, DateTimeOffset now)
    {
        foreach (var use in tokenUses) session.Execute(session.TouchToken, use.TokenId, use.At, use.Ip, use.At);
        foreach (var link in shortLinks) session.Execute(session.CountShortLinkVisits, link.Code, link.Visits, link.LastAt);
        foreach (var link in miniProgramLinks) session.Execute(session.CountMiniProgramLinkVisits, link.Code, link.Visits);
        foreach (var stat in visitStats ?? [])
        {
            var (code, day, host, device) = stat.Key;
            session.Execute(session.EnsureVisitStat, code, day, host, device);
            session.Execute(session.AddVisitStat, code, day, host, device, stat.Visits);
        }
        Record(true);
        return true;
    }

    public override void Refused(DbException error) => Record(false);
}

/// <summary>A token's latest use since the last flush.</summary>
internal readonly record struct TokenUse(Guid TokenId, DateTimeOffset At, string? Ip);

/// <summary>One row of short-link visit statistics: link code, UTC day (<c>yyyyMMdd</c>), referrer host, device class.</summary>
internal readonly record struct VisitStatKey(string Code, int Day, string ReferrerHost, Links.VisitorDevice Device);

/// <summary>Visits of one statistics row since the last flush.</summary>
internal readonly record struct VisitStatCount(VisitStatKey Key, long Visits);

/// <summary>A link's visits since the last flush.</summary>
internal readonly record struct LinkVisits(string Code, long Visits, DateTimeOffset LastAt);
