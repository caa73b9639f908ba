using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>What a billable call asks of the ledger.</summary>
/// <param name="UserId">Who pays.</param>
/// <param name="Product">Product code (see <see cref="BillableProducts"/>); its current price is debited.</param>
/// <param name="RequestId">Unique id of the request (becomes <see cref="Charge.RequestId"/>, ≤ 64 chars).</param>
/// <param name="ApiTokenId">The API token used, if any (its daily spend cap applies).</param>
/// <param name="Rows">
/// The work's own new rows (entities of the model, e.g. a <see cref="Links.ShortLink"/>) when the work is local: they are
/// inserted in the same savepoint as the debit, so both commit or neither does. A row that breaks a unique key makes the
/// outcome <see cref="DebitRefusal.RowConflict"/> (nothing debited), and the caller may retry with fresh rows.
/// </param>
/// <param name="Settled">True when the work is complete with this write: the charge is created Succeeded, not Pending.</param>
/// <param name="Test">
/// True for a test-mode call (a <c>wxp_test_</c> token): the same statements debit <see cref="Account.TestBalanceFen"/>
/// instead of the live balance, and the charge and its entries are marked <see cref="Charge.IsTest"/>.
/// </param>
public sealed record DebitRequest(string UserId, string Product, string RequestId, Guid? ApiTokenId = null,
    IReadOnlyList<object>? Rows = null, bool Settled = false, bool Test = false);

/// <summary>Why a debit did not happen.</summary>
public enum DebitRefusal
{
    /// <summary>It happened.</summary>
    None,
    /// <summary>The balance is below the price (402).</summary>
    InsufficientFunds,
    /// <summary>The API token's daily spend cap would be passed (402).</summary>
    DailyCapReached,
    /// <summary>One of <see cref="DebitRequest.Rows"/> broke a unique key (e.g. a short code already taken): retry with fresh rows.</summary>
    RowConflict,
    /// <summary>A charge with this request id already exists (I3): nothing was debited again.</summary>
    DuplicateRequest,
}

/// <summary>Result of <see cref="BillingLedger.DebitAsync"/>.</summary>
/// <param name="Refusal"><see cref="DebitRefusal.None"/> when debited; otherwise why nothing was written.</param>
/// <param name="ChargeId">The new charge, or <see cref="Guid.Empty"/>.</param>
/// <param name="PriceFen">Price debited (or that would have been), in fen.</param>
/// <param name="BalanceFen">Balance in fen after the debit, or the unchanged balance when it was refused.</param>
public sealed record DebitOutcome(DebitRefusal Refusal, Guid ChargeId, long PriceFen, long BalanceFen)
{
    /// <summary>True when debited.</summary>
    public bool Succeeded => Refusal == DebitRefusal.None;

    /// <summary>True when the refusal was the API token's daily spend cap, not the balance.</summary>
    public bool DailyCapReached => Refusal == DebitRefusal.DailyCapReached;
}

/// <summary>Result of a refund attempt.</summary>
/// <param name="Refunded">True when this call moved the charge Pending → Refunded; false when it was already settled.</param>
/// <param name="BalanceFen">The user's balance in fen afterwards (the test balance for a test charge).</param>
/// <param name="Test">True when the charge was a test-mode charge.</param>
public sealed record RefundOutcome(bool Refunded, long BalanceFen, bool Test = false);

/// <summary>Why a credit/adjustment/redemption did not happen.</summary>
public enum BalanceChangeError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>A debit adjustment would take the balance below zero.</summary>
    InsufficientFunds,
    /// <summary>The user does not exist.</summary>
    UnknownUser,
    /// <summary>Redemption code not found.</summary>
    CodeNotFound,
    /// <summary>Redemption code was already claimed.</summary>
    CodeAlreadyRedeemed,
    /// <summary>Redemption code is past its expiry.</summary>
    CodeExpired,
    /// <summary>Redemption code was voided by an admin before anyone claimed it.</summary>
    CodeVoided,
    /// <summary>Amount is zero or out of range.</summary>
    InvalidAmount,
}

/// <summary>Result of a credit, adjustment or redemption.</summary>
/// <param name="Error"><see cref="BalanceChangeError.None"/> on success.</param>
/// <param name="AmountFen">The signed amount applied, in fen.</param>
/// <param name="BalanceFen">Balance in fen afterwards (unchanged on error).</param>
public sealed record BalanceChangeOutcome(BalanceChangeError Error, long AmountFen, long BalanceFen)
{
    /// <summary>True when the balance changed.</summary>
    public bool Succeeded => Error == BalanceChangeError.None;
}

/// <summary>What became of a reported top-up payment (<see cref="BillingLedger.CreditTopUpAsync"/>).</summary>
public enum TopUpCreditResult
{
    /// <summary>This call moved the order to Paid and credited its amount.</summary>
    Credited,
    /// <summary>The order was already Paid (a duplicate or concurrent report): nothing credited again.</summary>
    AlreadyPaid,
    /// <summary>The payment does not match the order (amount or currency): the order is Flagged, nothing credited.</summary>
    Flagged,
    /// <summary>No order has this merchant order number.</summary>
    UnknownOrder,
}

/// <summary>Result of <see cref="BillingLedger.CreditTopUpAsync"/>.</summary>
/// <param name="Result">What happened.</param>
/// <param name="UserId">The order's owner (empty for an unknown order).</param>
/// <param name="AmountFen">The amount credited by this call, in fen (0 unless <see cref="TopUpCreditResult.Credited"/>).</param>
/// <param name="BalanceFen">The owner's balance afterwards, in fen.</param>
public sealed record TopUpCreditOutcome(TopUpCreditResult Result, string UserId, long AmountFen, long BalanceFen);

/// <summary>
/// The only code that writes balances, charges and ledger entries (docs/money.md). Debits, settlements and refunds go
/// through the <see cref="LedgerWriter"/>: one conditional <c>UPDATE … WHERE BalanceFen &gt;= @price</c> per debit (never
/// check-then-debit), one guarded <c>UPDATE Charges … WHERE Status = 'Pending'</c> per settlement or refund, many
/// requests per committed transaction, each in its own savepoint. Prices are read from memory (see
/// <see cref="GetPriceFenAsync"/>). Adjustments and redemptions are rare and run in their own transactions.
/// </summary>
public sealed class BillingLedger(
    IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IFaultInjector faults, LedgerWriter writer, PriceCache prices, ApiTokenService tokens,
    BalanceFeed balances)
{
    /// <summary>Creates the user's account row (balance 0) if it is missing. Idempotent and race-safe.</summary>
    public Task EnsureAccountAsync(string userId, CancellationToken ct = default) =>
        dbFactory.InsertIfMissingAsync<Account>(a => a.UserId == userId, () => new Account { UserId = userId, CreatedAt = time.GetUtcNow() }, ct);

    /// <summary>Current balance in fen (0 when the account does not exist).</summary>
    public Task<long> GetBalanceFenAsync(string userId, CancellationToken ct = default) => GetBalanceFenAsync(userId, false, ct);

    /// <summary>Current live or test-mode (<paramref name="test"/>) balance in fen (0 when the account does not exist).</summary>
    public async Task<long> GetBalanceFenAsync(string userId, bool test, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = db.Accounts.Where(a => a.UserId == userId);
        return await (test ? account.Select(a => (long?)a.TestBalanceFen) : account.Select(a => (long?)a.BalanceFen)).SingleOrDefaultAsync(ct) ?? 0;
    }

    /// <summary>
    /// Adds free test credit (<see cref="LedgerEntryKind.TestCredit"/>) to the user's test-mode balance, in one transaction
    /// with its entry; the live balance and every live total are untouched. The test balance never passes
    /// <see cref="MaxTestBalanceFen"/> (<see cref="BalanceChangeError.InvalidAmount"/>, nothing written).
    /// </summary>
    /// <param name="userId">Whose test balance.</param>
    /// <param name="amountFen">Credit in fen, 1 to <see cref="MaxTestBalanceFen"/>.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<BalanceChangeOutcome> AddTestCreditAsync(string userId, long amountFen, CancellationToken ct = default)
    {
        if (amountFen is <= 0 or > MaxTestBalanceFen) return new(BalanceChangeError.InvalidAmount, 0, await GetBalanceFenAsync(userId, true, ct));
        if (!await UserExistsAsync(userId, ct)) return new(BalanceChangeError.UnknownUser, 0, 0);
        await EnsureAccountAsync(userId, ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.Accounts
            .Where(a => a.UserId == userId && a.TestBalanceFen + amountFen <= MaxTestBalanceFen)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.TestBalanceFen, a => a.TestBalanceFen + amountFen), ct);
        if (rows != 1)
        {
            await tx.RollbackAsync(ct);
            return new(BalanceChangeError.InvalidAmount, 0, await GetBalanceFenAsync(userId, true, ct));
        }
        var balanceAfter = await db.Accounts.Where(a => a.UserId == userId).Select(a => a.TestBalanceFen).SingleAsync(ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AmountFen = amountFen, Kind = LedgerEntryKind.TestCredit,
            BalanceAfterFen = balanceAfter, Description = "test credit", IsTest = true, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        balances.Publish(userId, balanceAfter, test: true);
        return new(BalanceChangeError.None, amountFen, balanceAfter);
    }

    /// <summary>Highest test-mode balance, in fen (¥1,000.00): test credit is free, but not unbounded.</summary>
    public const long MaxTestBalanceFen = 100_000;

    /// <summary>The current price of <paramref name="product"/> in fen (its default when no admin has set one).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown product.</exception>
    public ValueTask<long> GetPriceFenAsync(string product, CancellationToken ct = default) => prices.PriceFenAsync(product, ct);

    /// <summary>
    /// Debits the product's price and records the charge (Pending, or Succeeded when <see cref="DebitRequest.Settled"/>)
    /// with its ledger entry and the request's <see cref="DebitRequest.Rows"/>, all in one savepoint of the writer's
    /// next batch; answers after that batch commits. A refusal (balance, cap, row conflict, duplicate request id)
    /// writes nothing and is an outcome, not an exception. <paramref name="ct"/> only stops the wait for the price; once
    /// queued, the write happens whether or not the caller still waits.
    /// </summary>
    /// <exception cref="LedgerBusyException">The writer's queue is full (503).</exception>
    /// <exception cref="LedgerUnavailableException">The batch failed to commit (503); nothing was written.</exception>
    public async Task<DebitOutcome> DebitAsync(DebitRequest request, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.RequestId);
        var price = await prices.PriceFenAsync(request.Product, ct);
        var cap = request.ApiTokenId is { } tokenId ? await tokens.DailySpendCapFenAsync(tokenId, ct) : null;
        var now = time.GetUtcNow();
        var outcome = await writer.SubmitAsync(new DebitOp(request, price, cap, Guid.CreateVersion7(now), Guid.CreateVersion7(now)));
        if (outcome.Succeeded) balances.Publish(request.UserId, outcome.BalanceFen, request.Test);
        // A refused statement reports no balance: read the unchanged one (rare; not on the hot path).
        return outcome.Refusal is DebitRefusal.DuplicateRequest or DebitRefusal.RowConflict
            ? outcome with { BalanceFen = await GetBalanceFenAsync(request.UserId, request.Test, CancellationToken.None) }
            : outcome;
    }

    /// <summary>Marks a Pending charge Succeeded. Returns false when it was no longer Pending (e.g. already refunded).</summary>
    /// <exception cref="LedgerUnavailableException">The batch failed to commit.</exception>
    public async Task<bool> SettleAsync(Guid chargeId, CancellationToken ct = default) =>
        await writer.SubmitAsync(new SettleOp([chargeId], null)) == 1;

    /// <summary>
    /// Marks several Pending charges Succeeded and, when given, stores <paramref name="response"/> in the same savepoint
    /// — so a crash leaves either both (the response replays) or neither (the charges stay Pending and are refunded).
    /// </summary>
    /// <returns>How many charges moved to Succeeded.</returns>
    /// <exception cref="LedgerUnavailableException">The batch failed to commit.</exception>
    public Task<int> SettleAsync(IReadOnlyCollection<Guid> chargeIds, IdempotentResponse? response, CancellationToken ct = default) =>
        writer.SubmitAsync(new SettleOp(chargeIds, response));

    /// <summary>
    /// Refunds a Pending charge: in one savepoint the credit, the guarded transition Pending → Refunded, the daily cap
    /// given back and the compensating ledger entry. A charge already Succeeded or Refunded is left alone
    /// (<c>Refunded = false</c>), so concurrent or repeated calls refund at most once (I4).
    /// </summary>
    /// <param name="chargeId">The charge.</param>
    /// <param name="reason">Why (stored on the charge; no secrets), truncated to 500 chars.</param>
    /// <param name="ct">Not used once queued: a refund is never abandoned half-way.</param>
    /// <param name="userId">The charge's owner when the caller knows it (orders the batch's locks; the owner's open pages hear the new balance).</param>
    /// <exception cref="LedgerUnavailableException">The batch failed to commit; the charge is still Pending.</exception>
    public async Task<RefundOutcome> RefundAsync(Guid chargeId, string reason, CancellationToken ct = default, string? userId = null)
    {
        var outcome = await writer.SubmitAsync(new RefundOp(chargeId, userId, Truncate(reason, 500), faults));
        if (outcome.Refunded && userId is not null) balances.Publish(userId, outcome.BalanceFen, outcome.Test);
        return outcome;
    }

    /// <summary>
    /// Refunds every Pending charge created before <c>now − olderThan</c>, at most <paramref name="batchSize"/> of them,
    /// oldest first. Safe to run concurrently with itself: each refund is the guarded transition of <see cref="RefundAsync"/>.
    /// </summary>
    /// <returns>How many charges this run refunded.</returns>
    public async Task<int> RefundStalePendingChargesAsync(TimeSpan olderThan, int batchSize, CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        List<(Guid Id, string UserId)> stale;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            stale = (await db.Charges.AsNoTracking()
                .Where(c => c.Status == ChargeStatus.Pending && c.CreatedAt < cutoff)
                .OrderBy(c => c.CreatedAt).Select(c => new { c.Id, c.UserId }).Take(batchSize).ToListAsync(ct))
                .Select(c => (c.Id, c.UserId)).ToList();
        }

        var refunded = 0;
        foreach (var (id, userId) in stale)
        {
            if ((await RefundAsync(id, "reconciler: pending past timeout", ct, userId)).Refunded) refunded++;
            if (refunded == 1) faults.At(FaultPoints.InsideReconciler);
        }
        return refunded;
    }

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

    /// <summary>Sets a product's price in fen (0 to <see cref="BillableProducts.MaxPriceFen"/>); this instance uses it at once, other instances at once through Redis when it is configured, otherwise within the cache lifetime.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative price, one above <see cref="BillableProducts.MaxPriceFen"/>, or unknown product.</exception>
    public async Task SetPriceAsync(string product, long priceFen, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priceFen);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priceFen, BillableProducts.MaxPriceFen);
        if (BillableProducts.All.All(p => p.Product != product)) throw new ArgumentOutOfRangeException(nameof(product), product, "unknown product");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var row = await db.ProductPrices.SingleOrDefaultAsync(p => p.Product == product, ct);
        if (row is null) db.ProductPrices.Add(new ProductPrice { Product = product, PriceFen = priceFen, UpdatedAt = now });
        else { row.PriceFen = priceFen; row.UpdatedAt = now; }
        await db.SaveChangesAsync(ct);
        prices.Changed(product);
    }

    private static async Task<long> ReadBalanceAsync(PortalDbContext db, string userId, CancellationToken ct) =>
        await db.Accounts.Where(a => a.UserId == userId).Select(a => (long?)a.BalanceFen).SingleOrDefaultAsync(ct) ?? 0;

    private async Task<bool> UserExistsAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Id == userId, ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
