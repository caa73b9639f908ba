using Hangfire;

namespace Portal.Features.Billing;

/// <summary>How a billed piece of work failed; the endpoint maps it to its family's status code.</summary>
public enum WorkFailureKind
{
    /// <summary>Input was found invalid only after the debit (400).</summary>
    Invalid,
    /// <summary>The looked-up object does not exist (404).</summary>
    NotFound,
    /// <summary>The upstream answered with an error code (502).</summary>
    Upstream,
    /// <summary>Timeout, network or internal error (500).</summary>
    Internal,
}

/// <summary>What a billed piece of work produced: a value, or a failure to be refunded.</summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly record struct WorkResult<T>(bool Succeeded, T? Value, WorkFailureKind FailureKind, string? Message, object? Detail)
{
    /// <summary>Success with <paramref name="value"/>.</summary>
    public static WorkResult<T> Ok(T value) => new(true, value, default, null, null);

    /// <summary>Failure: the charge is refunded. <paramref name="message"/> is shown to the caller (no secrets).</summary>
    public static WorkResult<T> Fail(WorkFailureKind kind, string message, object? detail = null) => new(false, default, kind, message, detail);
}

/// <summary>The result of local work and the new rows it needs written together with its debit.</summary>
/// <param name="Value">What the caller gets on success.</param>
/// <param name="Rows">New entities of the model to insert in the debit's savepoint (may be empty).</param>
public sealed record LocalWork<T>(T Value, IReadOnlyList<object> Rows);

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

/// <summary>Outcome of a billed call as an endpoint or page reports it.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Value">The work's value on success.</param>
/// <param name="BalanceFen">Balance in fen: after the debit (success), unchanged (rejected, 402) or after the refund (failure).</param>
/// <param name="Message">A message for the caller on failure (Chinese, no secrets).</param>
/// <param name="Detail">Extra failure detail, e.g. WeChat's <c>{errcode, errmsg}</c>.</param>
/// <param name="ChargeId">The charge, when one was created.</param>
public sealed record BilledResult<T>(BilledStatus Status, T? Value, long BalanceFen, string? Message = null, object? Detail = null, Guid? ChargeId = null)
{
    /// <summary>True on success.</summary>
    public bool Succeeded => Status == BilledStatus.Succeeded;
}

/// <summary>
/// Runs one billable call through the charge flow of docs/money.md (docs/api.md order: authenticate, validate, debit, work, settle): debit (402 when short) → work → settle on success,
/// refund on failure. A refund that fails is queued as a Hangfire job and, failing that, left Pending for the
/// reconciler (<c>billing:reconcile-pending-charges</c>), so the user never loses the fen.
/// </summary>
public sealed class ChargeFlow(BillingLedger ledger, IServiceProvider services, IFaultInjector faults, DeferredSettlement deferred, ILogger<ChargeFlow> log)
{
    /// <summary>A call refused before any debit (bad input, unknown object): reports the unchanged balance.</summary>
    public async Task<BilledResult<T>> RejectAsync<T>(string userId, BilledStatus status, string message, CancellationToken ct) =>
        new(status, default, await ledger.GetBalanceFenAsync(userId, ct), message);

    /// <summary>A call refused before any debit: reports the caller's unchanged balance of its own mode (live or test).</summary>
    public async Task<BilledResult<T>> RejectAsync<T>(BillingCaller caller, BilledStatus status, string message, CancellationToken ct) =>
        new(status, default, await ledger.GetBalanceFenAsync(caller.UserId, caller.Test, ct), message);

    /// <summary>
    /// Work done locally, inside the write: <paramref name="prepare"/> gives the result and its new rows (e.g. a short
    /// link with a fresh code), and one savepoint debits, inserts them and records the charge already Succeeded — one
    /// durable write per call. A row that collides with an existing key (a short code taken meanwhile) is prepared
    /// afresh, up to five times. Under an <c>Idempotency-Key</c> the charge stays Pending until the response is stored.
    /// </summary>
    /// <param name="request">Who pays for what, under which request id.</param>
    /// <param name="prepare">Builds the result and its rows; called again after a collision.</param>
    /// <param name="ct">Cancellation before the write is queued.</param>
    public async Task<BilledResult<T>> RunLocalAsync<T>(DebitRequest request, Func<LocalWork<T>> prepare, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var work = prepare();
            var debit = await ledger.DebitAsync(request with { Rows = work.Rows, Settled = !deferred.Enabled }, ct);
            if (debit.Refusal == DebitRefusal.RowConflict && attempt < 5) continue;
            if (!debit.Succeeded) return Refused<T>(request, debit);
            deferred.TryDefer(debit.ChargeId);
            return new(BilledStatus.Succeeded, work.Value, debit.BalanceFen, ChargeId: debit.ChargeId);
        }
    }

    /// <summary>Debits, runs <paramref name="work"/> (an upstream call), then settles or refunds.</summary>
    /// <param name="request">Who pays for what, under which request id.</param>
    /// <param name="work">The work; an exception it throws counts as an internal failure (refunded).</param>
    /// <param name="ct">Cancellation of the work (a client that hangs up); refunds ignore it.</param>
    public async Task<BilledResult<T>> RunAsync<T>(DebitRequest request, Func<CancellationToken, Task<WorkResult<T>>> work, CancellationToken ct)
    {
        var debit = await ledger.DebitAsync(request, ct);
        if (!debit.Succeeded) return Refused<T>(request, debit);
        faults.At(FaultPoints.AfterDebit);

        WorkResult<T> result;
        try
        {
            result = await work(ct);
        }
        catch (Exception ex) when (ex is not InjectedFaultException)
        {
            log.LogError(ex, "Billed work for {Product} failed (charge {ChargeId})", request.Product, debit.ChargeId);
            result = WorkResult<T>.Fail(WorkFailureKind.Internal, ex is OperationCanceledException ? "请求已取消" : "内部错误");
        }

        if (result.Succeeded)
        {
            faults.At(FaultPoints.AfterWorkSuccess);
            if (deferred.TryDefer(debit.ChargeId)) return new(BilledStatus.Succeeded, result.Value, debit.BalanceFen, ChargeId: debit.ChargeId);
            try
            {
                if (!await ledger.SettleAsync(debit.ChargeId, CancellationToken.None))
                    log.LogWarning("Charge {ChargeId} was no longer Pending when its work succeeded", debit.ChargeId);
            }
            catch (Exception ex)
            {
                // The result exists; the charge stays Pending and the reconciler refunds it (README: crash policy).
                log.LogError(ex, "Settling charge {ChargeId} failed; the reconciler will refund it", debit.ChargeId);
            }
            return new(BilledStatus.Succeeded, result.Value, debit.BalanceFen, ChargeId: debit.ChargeId);
        }

        faults.At(FaultPoints.OnWorkFailure);
        var balance = await RefundAsync(request.UserId, debit, result.Message ?? result.FailureKind.ToString());
        var status = result.FailureKind switch
        {
            WorkFailureKind.Invalid => BilledStatus.InvalidInput,
            WorkFailureKind.NotFound => BilledStatus.NotFound,
            WorkFailureKind.Upstream => BilledStatus.UpstreamError,
            _ => BilledStatus.InternalError,
        };
        return new(status, default, balance, result.Message, result.Detail, debit.ChargeId);
    }

    private BilledResult<T> Refused<T>(DebitRequest request, DebitOutcome debit)
    {
        if (debit.Refusal is DebitRefusal.InsufficientFunds or DebitRefusal.DailyCapReached)
            return new(BilledStatus.InsufficientFunds, default, debit.BalanceFen, debit.DailyCapReached ? "已达到该 API Token 的每日消费上限" : "余额不足");
        log.LogError("Debit for {Product} refused as {Refusal} (request {RequestId}); nothing was charged", request.Product, debit.Refusal, request.RequestId);
        return new(BilledStatus.InternalError, default, debit.BalanceFen, "内部错误，未扣费");
    }

    private async Task<long> RefundAsync(string userId, DebitOutcome debit, string reason)
    {
        try
        {
            return (await ledger.RefundAsync(debit.ChargeId, reason, CancellationToken.None, userId)).BalanceFen;
        }
        catch (Exception ex) when (ex is not InjectedFaultException)
        {
            log.LogError(ex, "In-request refund of charge {ChargeId} failed; queuing a retry", debit.ChargeId);
            try
            {
                // Resolved only here: the Hangfire client is needed on this rare path, not on every billed call.
                services.GetRequiredService<IBackgroundJobClient>().Enqueue<RefundChargeJob>(j => j.RunAsync(debit.ChargeId, CancellationToken.None));
            }
            catch (Exception enqueueError)
            {
                log.LogError(enqueueError, "Queuing the refund of charge {ChargeId} failed; the reconciler will refund it", debit.ChargeId);
            }
            return debit.BalanceFen;
        }
    }
}

/// <summary>Hangfire job <c>billing:refund-charge</c>: retries one failed in-request refund. Re-entrant.</summary>
public sealed class RefundChargeJob(BillingLedger ledger)
{
    /// <summary>Refunds the charge if it is still Pending.</summary>
    public Task RunAsync(Guid chargeId, CancellationToken ct) => ledger.RefundAsync(chargeId, "retry of a failed refund", ct);
}

/// <summary>
/// Hangfire recurring job <c>billing:reconcile-pending-charges</c> (every minute): refunds Pending charges older than
/// <see cref="BillingOptions.PendingChargeTimeout"/>. Overlapping runs are harmless (each refund is guarded, I4).
/// </summary>
public sealed class ReconcilePendingChargesJob(BillingLedger ledger, Microsoft.Extensions.Options.IOptions<BillingOptions> options, ILogger<ReconcilePendingChargesJob> log)
{
    /// <summary>The recurring job id.</summary>
    public const string Id = "billing:reconcile-pending-charges";

    /// <summary>Runs one sweep. Returns how many charges this run refunded.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var refunded = await ledger.RefundStalePendingChargesAsync(options.Value.PendingChargeTimeout, options.Value.ReconcileBatchSize, ct);
        if (refunded > 0) log.LogWarning("Reconciler refunded {Count} stale pending charges", refunded);
        return refunded;
    }
}

/// <summary>
/// Per-request (scoped) switch: when the request carries an <c>Idempotency-Key</c>, the idempotency middleware turns
/// deferral on and settles the deferred charges in the same transaction that stores the response to replay.
/// Elsewhere (no key, Blazor circuits, jobs) <see cref="ChargeFlow"/> settles at once.
/// </summary>
public sealed class DeferredSettlement
{
    private readonly List<Guid> _charges = [];

    /// <summary>True when the current request's settlements are deferred.</summary>
    public bool Enabled { get; private set; }

    /// <summary>Charges waiting to be settled, in order.</summary>
    public IReadOnlyList<Guid> Charges => _charges;

    /// <summary>Turns deferral on for the rest of this scope.</summary>
    public void Enable() => Enabled = true;

    /// <summary>Defers <paramref name="chargeId"/> when enabled. Returns false (caller settles now) otherwise.</summary>
    public bool TryDefer(Guid chargeId)
    {
        if (!Enabled) return false;
        _charges.Add(chargeId);
        return true;
    }
}
