using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Billing;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Payments;

/// <summary>Why an order could not be created.</summary>
public enum CreateOrderError
{
    /// <summary>Created.</summary>
    None,
    /// <summary>No payment provider is configured.</summary>
    Disabled,
    /// <summary>The amount is below the minimum or above the maximum.</summary>
    InvalidAmount,
    /// <summary>The provider refused or could not be reached; the order is not payable.</summary>
    ProviderFailed,
}

/// <summary>Result of <see cref="TopUpService.CreateOrderAsync"/>.</summary>
/// <param name="Error"><see cref="CreateOrderError.None"/> when <paramref name="Order"/> is payable.</param>
/// <param name="Order">The order (also on a provider failure, when it was stored), or null.</param>
public sealed record CreateOrderOutcome(CreateOrderError Error, TopUpOrder? Order);

/// <summary>What a reconciling run did (<see cref="TopUpService.ReconcileAsync"/>).</summary>
/// <param name="Checked">Pending orders queried.</param>
/// <param name="Credited">Orders this run credited.</param>
/// <param name="Closed">Orders this run closed.</param>
public sealed record ReconcileSummary(int Checked, int Credited, int Closed);

/// <summary>
/// Top-up orders: creates them at the provider, applies what the provider reports (notification, query) through the
/// one credit path <see cref="BillingLedger.CreditTopUpAsync"/>, and closes expired ones. Every report is verified by
/// the provider before it gets here; this class checks it is for our merchant and app, then lets the ledger decide.
/// </summary>
public sealed class TopUpService(
    IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IPaymentProvider> providers, BillingLedger ledger, IOptions<WeChatPayOptions> options,
    TimeProvider time, IFaultInjector faults, ILogger<TopUpService> log)
{
    /// <summary>
    /// Raised in this process after an order changed state here (paid, flagged, closed), with the order's id, so open pages
    /// update at once; pages also poll, for changes made by another instance.
    /// </summary>
    public event Action<Guid>? OrderChanged;

    /// <summary>The provider new orders go to, or null when none is configured.</summary>
    public IPaymentProvider? Provider => providers.FirstOrDefault(p => p.Enabled);

    /// <summary>True when users can top up by payment (otherwise only redemption codes).</summary>
    public bool Enabled => Provider is not null;

    /// <summary>Amount rules and presets (fen).</summary>
    public WeChatPayOptions Options => options.Value;

    /// <summary>True when <paramref name="amountFen"/> lies between <see cref="WeChatPayOptions.MinAmountFen"/> and <see cref="WeChatPayOptions.MaxAmountFen"/>.</summary>
    public bool IsValidAmount(long amountFen) => amountFen >= Options.MinAmountFen && amountFen <= Options.MaxAmountFen;

    /// <summary>
    /// Stores a Pending order of <paramref name="amountFen"/> for <paramref name="userId"/> and creates it at the provider.
    /// On a definite refusal the order is Closed; when nobody can tell (timeout) it stays Pending and the reconciling job
    /// settles it.
    /// </summary>
    public async Task<CreateOrderOutcome> CreateOrderAsync(string userId, long amountFen, string description, CancellationToken ct = default)
    {
        if (Provider is not { } provider) return new(CreateOrderError.Disabled, null);
        if (!IsValidAmount(amountFen)) return new(CreateOrderError.InvalidAmount, null);
        await ledger.EnsureAccountAsync(userId, ct);
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var order = new TopUpOrder
        {
            Id = id, UserId = userId, Provider = provider.Name, OutTradeNo = id.ToString("N"), AmountFen = amountFen, Currency = "CNY",
            Status = TopUpOrderStatus.Pending, CreatedAt = now, ExpiresAt = now + Options.OrderLifetime,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.TopUpOrders.Add(order);
            await db.SaveChangesAsync(ct);
        }

        try
        {
            var created = await provider.CreateAsync(order, description, ct);
            order.CodeUrl = created.CodeUrl;
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.TopUpOrders.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.CodeUrl, created.CodeUrl), CancellationToken.None);
            return new(CreateOrderError.None, order);
        }
        catch (PaymentProviderException ex)
        {
            log.LogWarning("Top-up order {OutTradeNo} could not be created at {Provider}: {Reason}", order.OutTradeNo, provider.Name, ex.Message);
            if (ex.Definite) await CloseLocallyAsync(id, "not created: " + ex.Message);
            return new(CreateOrderError.ProviderFailed, order);
        }
    }

    /// <summary>The user's order <paramref name="orderId"/>, or null when it is not theirs.</summary>
    public async Task<TopUpOrder?> GetOrderAsync(string userId, Guid orderId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TopUpOrders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId, ct);
    }

    /// <summary>The user's latest orders, newest first.</summary>
    public async Task<IReadOnlyList<TopUpOrder>> ListOrdersAsync(string userId, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TopUpOrders.AsNoTracking().Where(o => o.UserId == userId).OrderByDescending(o => o.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>An order as listed to admins, with its owner's e-mail.</summary>
    public sealed record AdminOrderRow(TopUpOrder Order, string? Email);

    /// <summary>One page of every user's orders for admins, newest first, optionally of one status.</summary>
    public async Task<(IReadOnlyList<AdminOrderRow> Items, int Total)> ListAllAsync(int skip, int take, TopUpOrderStatus? status = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.TopUpOrders.AsNoTracking();
        if (status is { } s) query = query.Where(o => o.Status == s);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(o => o.Id).Skip(skip).Take(take)
            .Select(o => new AdminOrderRow(o, db.Users.Where(u => u.Id == o.UserId).Select(u => u.Email).FirstOrDefault()))
            .ToListAsync(ct);
        return (items, total);
    }

    /// <summary>
    /// Verifies a provider's notification and applies it. Returns null when it was handled (answer success) or why it
    /// was refused (answer failure, so the provider sends it again). Never credits an unverified or undecryptable body.
    /// </summary>
    public async Task<string?> HandleNotificationAsync(string providerName, Func<string, string?> headers, string body, CancellationToken ct = default)
    {
        var provider = providers.FirstOrDefault(p => p.Enabled && p.Name == providerName);
        if (provider is null) return "payments are not configured";
        var notice = provider.ReadNotification(headers, body);
        if (notice.Report is not { } report)
        {
            log.LogWarning("{Provider} notification refused: {Reason}", providerName, notice.Error);
            return notice.Error ?? "refused";
        }
        await ApplyAsync(report, ct);
        faults.At(FaultPoints.AfterTopUpCredit);
        return null;
    }

    /// <summary>
    /// Asks the provider about one order and applies the answer; an order past its expiry that is still unpaid is
    /// closed at the provider and here. Used by the reconciling job and the admins' re-query.
    /// </summary>
    /// <returns>The order as it stands afterwards, or null when there is none.</returns>
    /// <exception cref="PaymentProviderException">The provider could not be asked; the order is unchanged.</exception>
    public async Task<TopUpOrder?> RequeryAsync(Guid orderId, CancellationToken ct = default)
    {
        TopUpOrder? order;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            order = await db.TopUpOrders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return null;
        if (order.Status is TopUpOrderStatus.Pending or TopUpOrderStatus.Closed
            && providers.FirstOrDefault(p => p.Enabled && p.Name == order.Provider) is { } provider)
        {
            var report = await provider.QueryAsync(order.OutTradeNo, ct);
            var outcome = await ApplyAsync(report, ct);
            if (outcome is null && order.Status == TopUpOrderStatus.Pending)
            {
                var expired = time.GetUtcNow() >= order.ExpiresAt;
                switch (report.State)
                {
                    case PaymentState.Closed or PaymentState.Refunded:
                        // Never payable again (closed, revoked, failed, or refunded outside Portal before it was credited here).
                        await CloseLocallyAsync(order.Id, $"{report.State.ToString().ToLowerInvariant()} at the provider");
                        break;
                    case PaymentState.Unpaid when expired:
                        await provider.CloseAsync(order.OutTradeNo, ct); // fails when the payer paid meanwhile: stays Pending, credited next time
                        await CloseLocallyAsync(order.Id, "expired unpaid");
                        break;
                    case PaymentState.NotFound when expired:
                        await CloseLocallyAsync(order.Id, "expired; unknown to the provider");
                        break;
                }
            }
        }
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        return await read.TopUpOrders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct);
    }

    /// <summary>
    /// Re-queries every Pending order created before <c>now − <paramref name="minAge"/></c> (at most <paramref name="batchSize"/>,
    /// oldest first): credits the paid ones whose notification was lost and closes the expired unpaid ones. Safe to run on
    /// several instances at once: each credit is the ledger's guarded transition.
    /// </summary>
    public async Task<ReconcileSummary> ReconcileAsync(TimeSpan minAge, int batchSize, CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - minAge;
        List<Guid> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            pending = await db.TopUpOrders.AsNoTracking().Where(o => o.Status == TopUpOrderStatus.Pending && o.CreatedAt <= cutoff)
                .OrderBy(o => o.CreatedAt).Select(o => o.Id).Take(batchSize).ToListAsync(ct);
        int credited = 0, closed = 0;
        foreach (var id in pending)
        {
            try
            {
                var after = await RequeryAsync(id, ct);
                if (after?.Status == TopUpOrderStatus.Paid) credited++;
                if (after?.Status == TopUpOrderStatus.Closed) closed++;
            }
            catch (PaymentProviderException ex)
            {
                log.LogWarning("Top-up order {OrderId} could not be queried: {Reason}", id, ex.Message);
            }
        }
        return new(pending.Count, credited, closed);
    }

    /// <summary>Applies a verified report: credits (or flags) a paid order; null when the report moves no money.</summary>
    private async Task<TopUpCreditOutcome?> ApplyAsync(PaymentReport report, CancellationToken ct)
    {
        var o = Options;
        if (report.MerchantId is { } mch && mch != o.MchId || report.AppId is { } app && app != o.AppId)
        {
            log.LogWarning("Payment report for {OutTradeNo} names another merchant or app; ignored", report.OutTradeNo);
            return null;
        }
        if (report.State != PaymentState.Paid) return null;
        if (string.IsNullOrEmpty(report.TransactionId) || report.TotalFen is null)
        {
            log.LogWarning("Payment report for {OutTradeNo} says paid without a transaction or amount; ignored", report.OutTradeNo);
            return null;
        }
        var outcome = await ledger.CreditTopUpAsync(report.OutTradeNo, report.TransactionId, report.TotalFen.Value, report.Currency ?? "", ct);
        if (outcome.Result is TopUpCreditResult.Credited or TopUpCreditResult.Flagged) RaiseChanged(report.OutTradeNo);
        switch (outcome.Result)
        {
            case TopUpCreditResult.Credited:
                log.LogInformation("Top-up {OutTradeNo} credited {AmountFen} fen", report.OutTradeNo, outcome.AmountFen);
                break;
            case TopUpCreditResult.Flagged:
                log.LogWarning("Top-up {OutTradeNo} flagged: paid {PaidFen} {Currency} does not match the order", report.OutTradeNo, report.TotalFen, report.Currency);
                break;
            case TopUpCreditResult.UnknownOrder:
                log.LogWarning("Payment report for unknown order {OutTradeNo}; ignored", report.OutTradeNo);
                break;
        }
        return outcome;
    }

    private void RaiseChanged(string outTradeNo)
    {
        if (OrderChanged is not { } handlers || !Guid.TryParseExact(outTradeNo, "N", out var id)) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<Guid>>())
        {
            try
            {
                handler(id);
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "An order-change listener failed");
            }
        }
    }

    private async Task CloseLocallyAsync(Guid orderId, string note)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var text = note.Length <= 500 ? note : note[..500];
        var closed = await db.TopUpOrders.Where(o => o.Id == orderId && o.Status == TopUpOrderStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, TopUpOrderStatus.Closed).SetProperty(o => o.Note, text).SetProperty(o => o.CompletedAt, now), CancellationToken.None);
        if (closed == 1) RaiseChanged(orderId.ToString("N"));
    }
}
