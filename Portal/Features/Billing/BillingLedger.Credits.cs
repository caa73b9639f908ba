using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

// The ledger's rare balance changes outside billed calls, each in its own transaction: an admin's adjustment, a
// redemption code, a paid top-up order.
public sealed partial class BillingLedger
{
    /// <summary>
    /// An admin's manual credit (positive) or debit (negative) with a required reason. A debit never takes the
    /// balance below zero (<see cref="BalanceChangeError.InsufficientFunds"/>). The entry records the admin.
    /// </summary>
    public async Task<BalanceChangeOutcome> AdjustAsync(string adminUserId, string userId, long amountFen, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (amountFen == 0 || Math.Abs(amountFen) > Money.MaxAmountFen) return new(BalanceChangeError.InvalidAmount, 0, await GetBalanceFenAsync(userId, ct));
        if (!await UserExistsAsync(userId, ct)) return new(BalanceChangeError.UnknownUser, 0, 0);
        await EnsureAccountAsync(userId, ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Accounts
            .Where(a => a.UserId == userId && a.BalanceFen + amountFen >= 0)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen + amountFen), ct);
        if (rows != 1)
        {
            await tx.RollbackAsync(ct);
            return new(BalanceChangeError.InsufficientFunds, 0, await ReadBalanceAsync(db, userId, ct));
        }
        var balanceAfter = await ReadBalanceAsync(db, userId, ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AmountFen = amountFen, Kind = LedgerEntryKind.AdminAdjust,
            BalanceAfterFen = balanceAfter, AdminUserId = adminUserId, Description = Truncate(reason.Trim(), 500), CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        balances.Publish(userId, balanceAfter);
        return new(BalanceChangeError.None, amountFen, balanceAfter);
    }

    /// <summary>
    /// Claims a redemption code for <paramref name="userId"/> and credits its amount, in one transaction. The claim is a
    /// guarded <c>UPDATE … WHERE Status = 'Available'</c>, so a code is redeemed at most once however many try at once.
    /// </summary>
    /// <param name="userId">Who redeems.</param>
    /// <param name="code">The code as typed; case and surrounding spaces are ignored. Only its hash is looked up.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<BalanceChangeOutcome> RedeemAsync(string userId, string code, CancellationToken ct = default)
    {
        var hash = RedemptionCodes.Hash(code);
        await EnsureAccountAsync(userId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.RedemptionCodes
            .Where(c => c.CodeHash == hash && c.Status == RedemptionCodeStatus.Available && (c.ExpiresAt == null || c.ExpiresAt > now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, RedemptionCodeStatus.Redeemed)
                .SetProperty(c => c.RedeemedByUserId, userId)
                .SetProperty(c => c.RedeemedAt, now), ct);
        var row = await db.RedemptionCodes.AsNoTracking().SingleOrDefaultAsync(c => c.CodeHash == hash, ct);
        if (claimed != 1 || row is null)
        {
            await tx.RollbackAsync(ct);
            var error = row is null ? BalanceChangeError.CodeNotFound
                : row.Status == RedemptionCodeStatus.Redeemed ? BalanceChangeError.CodeAlreadyRedeemed
                : row.Status == RedemptionCodeStatus.Voided ? BalanceChangeError.CodeVoided
                : BalanceChangeError.CodeExpired;
            return new(error, 0, await ReadBalanceAsync(db, userId, ct));
        }

        await db.Accounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen + row.AmountFen), ct);
        var balanceAfter = await ReadBalanceAsync(db, userId, ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AmountFen = row.AmountFen, Kind = LedgerEntryKind.Redeem,
            BalanceAfterFen = balanceAfter, RedemptionCodeId = row.Id, Description = RedemptionCodes.Mask(row.Hint), CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        balances.Publish(userId, balanceAfter);
        return new(BalanceChangeError.None, row.AmountFen, balanceAfter);
    }

    /// <summary>
    /// Credits a paid top-up order, exactly once: in one transaction the guarded transition
    /// <c>UPDATE TopUpOrders SET Status = 'Paid' … WHERE Id = @id AND Status IN ('Pending', 'Closed')</c>, the credit of the
    /// order's amount and the <see cref="LedgerEntryKind.TopUp"/> entry naming the order and the provider's transaction
    /// (unique per order). However many reports of the same payment arrive, on however many instances, one commits the
    /// transition and the rest find the order Paid. A payment whose amount or currency differs from the order's is not
    /// credited: the order becomes Flagged for an admin (same guard). A Closed order that the provider nevertheless reports
    /// paid is credited: the payer's money arrived.
    /// </summary>
    /// <param name="outTradeNo">The merchant order number the provider reported.</param>
    /// <param name="transactionId">The provider's transaction id (≤ 64 chars).</param>
    /// <param name="paidFen">The total the provider reports, in fen.</param>
    /// <param name="currency">Its currency (ISO 4217).</param>
    /// <param name="ct">Cancellation (before the transaction commits).</param>
    /// <exception cref="InvalidOperationException">The order's user has no account row: the transaction rolls back, nothing is credited.</exception>
    public async Task<TopUpCreditOutcome> CreditTopUpAsync(string outTradeNo, string transactionId, long paidFen, string currency, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        transactionId = Truncate(transactionId, 64);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.TopUpOrders.AsNoTracking().SingleOrDefaultAsync(o => o.OutTradeNo == outTradeNo, ct);
        if (order is null) return new(TopUpCreditResult.UnknownOrder, "", 0, 0);
        if (order.Status is Payments.TopUpOrderStatus.Paid or Payments.TopUpOrderStatus.Flagged) return await SettledAsync(db, order.Id, order.UserId, ct);
        var now = time.GetUtcNow();
        Expression<Func<Payments.TopUpOrder, bool>> open = o => o.Id == order.Id
            && (o.Status == Payments.TopUpOrderStatus.Pending || o.Status == Payments.TopUpOrderStatus.Closed);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (paidFen != order.AmountFen || !string.Equals(currency, order.Currency, StringComparison.Ordinal))
        {
            var note = Truncate($"paid {paidFen} {currency} for an order of {order.AmountFen} {order.Currency}", 500);
            var flagged = await db.TopUpOrders.Where(open).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, Payments.TopUpOrderStatus.Flagged).SetProperty(o => o.TransactionId, transactionId)
                .SetProperty(o => o.Note, note).SetProperty(o => o.CompletedAt, now), ct);
            await tx.CommitAsync(ct);
            return flagged == 1 ? new(TopUpCreditResult.Flagged, order.UserId, 0, await ReadBalanceAsync(db, order.UserId, ct))
                : await SettledAsync(db, order.Id, order.UserId, ct);
        }

        var claimed = await db.TopUpOrders.Where(open).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, Payments.TopUpOrderStatus.Paid).SetProperty(o => o.TransactionId, transactionId)
            .SetProperty(o => o.CompletedAt, now), ct);
        if (claimed != 1)
        {
            await tx.RollbackAsync(ct);
            return await SettledAsync(db, order.Id, order.UserId, ct);
        }
        // The order's creation made the account row; without it the credit would leave a ledger entry no balance has.
        if (await db.Accounts.Where(a => a.UserId == order.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen + order.AmountFen), ct) != 1)
            throw new InvalidOperationException($"top-up order {order.OutTradeNo} names a user without an account row; nothing credited");
        var balanceAfter = await ReadBalanceAsync(db, order.UserId, ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = order.UserId, AmountFen = order.AmountFen, Kind = LedgerEntryKind.TopUp,
            BalanceAfterFen = balanceAfter, TopUpOrderId = order.Id,
            Description = Truncate($"{order.Provider} {order.OutTradeNo} {transactionId}", 500), CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        faults.At(FaultPoints.InsideTopUpCredit);
        await tx.CommitAsync(ct);
        balances.Publish(order.UserId, balanceAfter);
        return new(TopUpCreditResult.Credited, order.UserId, order.AmountFen, balanceAfter);
    }

    private static async Task<TopUpCreditOutcome> SettledAsync(PortalDbContext db, Guid orderId, string userId, CancellationToken ct)
    {
        var status = await db.TopUpOrders.Where(o => o.Id == orderId).Select(o => o.Status).SingleAsync(ct);
        return new(status == Payments.TopUpOrderStatus.Flagged ? TopUpCreditResult.Flagged : TopUpCreditResult.AlreadyPaid, userId, 0,
            await ReadBalanceAsync(db, userId, ct));
    }
}
