using Hangfire;

namespace Portal.Features.Billing;

/// <summary>
/// Runs one billable call through the charge flow of docs/money.md (docs/api.md order: authenticate, validate, debit, work, settle): debit (402 when short) → work → settle on success,
/// refund on failure. A refund that fails is queued as a Hangfire job and, failing that, left Pending for the
/// reconciler (<c>billing:reconcile-pending-charges</c>), so the user never loses the fen.
/// </summary>
public sealed class ChargeFlow(BillingLedger ledger, IBackgroundJobClient jobs, IFaultInjector faults, DeferredSettlement deferred, ILogger<ChargeFlow> log)
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
                jobs.Enqueue<RefundChargeJob>(j => j.RunAsync(debit.ChargeId, CancellationToken.None));
            }
            catch (Exception enqueueError)
            {
                log.LogError(enqueueError, "Queuing the refund of charge {ChargeId} failed; the reconciler will refund it", debit.ChargeId);
            }
            return debit.BalanceFen;
        }
    }
}
