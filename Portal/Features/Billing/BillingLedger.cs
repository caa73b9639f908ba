using Microsoft.EntityFrameworkCore;
using Portal.Features.ApiTokens;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>What a billable call asks of the ledger.</summary>
/// <param name="UserId">Who pays.</param>
/// <param name="Product">Product code (see <see cref="BillableProducts"/>); its current price is debited.</param>
/// <param name="RequestId">Unique id of the request (becomes <see cref="Charge.RequestId"/>, ≤ 64 chars).</param>
/// <param name="ApiTokenId">The API token used, if any.</param>
public sealed record DebitRequest(string UserId, string Product, string RequestId, Guid? ApiTokenId = null);

/// <summary>Result of <see cref="BillingLedger.DebitAsync"/>.</summary>
/// <param name="Succeeded">False when the balance was below the price or the token's daily cap was reached (nothing was written).</param>
/// <param name="ChargeId">The new Pending charge, or <see cref="Guid.Empty"/>.</param>
/// <param name="PriceFen">Price debited (or that would have been), in fen.</param>
/// <param name="BalanceFen">Balance in fen after the debit, or the unchanged balance when it failed.</param>
/// <param name="DailyCapReached">True when the refusal was the API token's daily spend cap, not the balance.</param>
public sealed record DebitOutcome(bool Succeeded, Guid ChargeId, long PriceFen, long BalanceFen, bool DailyCapReached = false);

/// <summary>Result of a refund attempt.</summary>
/// <param name="Refunded">True when this call moved the charge Pending → Refunded; false when it was already settled.</param>
/// <param name="BalanceFen">The user's balance in fen afterwards.</param>
public sealed record RefundOutcome(bool Refunded, long BalanceFen);

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

/// <summary>
/// The only code that writes balances, charges and ledger entries (DESIGN.md "Money and the ledger").
/// Every method is one database transaction; a debit is one conditional <c>UPDATE … WHERE BalanceFen &gt;= @price</c>
/// (never check-then-debit), a settlement or refund is one guarded <c>UPDATE Charges … WHERE Status = 'Pending'</c>.
/// The interface is request-shaped so a later group-commit implementation can batch debits without changing callers.
/// </summary>
public sealed class BillingLedger(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, IFaultInjector faults)
{
    /// <summary>Creates the user's account row (balance 0) if it is missing. Idempotent and race-safe.</summary>
    public Task EnsureAccountAsync(string userId, CancellationToken ct = default) =>
        dbFactory.InsertIfMissingAsync<Account>(a => a.UserId == userId, () => new Account { UserId = userId, CreatedAt = time.GetUtcNow() }, ct);

    /// <summary>Current balance in fen (0 when the account does not exist).</summary>
    public async Task<long> GetBalanceFenAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Accounts.Where(a => a.UserId == userId).Select(a => (long?)a.BalanceFen).SingleOrDefaultAsync(ct) ?? 0;
    }

    /// <summary>The current price of <paramref name="product"/> in fen (its default when no admin has set one).</summary>
    public async Task<long> GetPriceFenAsync(string product, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await GetPriceFenAsync(db, product, ct);
    }

    /// <summary>
    /// Debits the product's price and records a Pending <see cref="Charge"/> with its ledger entry, in one
    /// transaction. Returns <c>Succeeded = false</c> (and writes nothing) when the balance is below the price.
    /// </summary>
    /// <exception cref="DbUpdateException">The request id was already used (I3) or the database failed.</exception>
    public async Task<DebitOutcome> DebitAsync(DebitRequest request, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.RequestId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var price = await GetPriceFenAsync(db, request.Product, ct);
        var now = time.GetUtcNow();
        var cap = request.ApiTokenId is { } tokenId
            ? await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.DailySpendCapFen).SingleOrDefaultAsync(ct)
            : null;
        var day = ApiTokenDailySpend.DayOf(now);
        if (cap is not null) await EnsureDailySpendRowAsync(request.ApiTokenId!.Value, day, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (cap is { } capFen)
        {
            // Same one-statement pattern as the balance: the cap can never be overshot by concurrent calls.
            var within = await db.ApiTokenDailySpends
                .Where(d => d.ApiTokenId == request.ApiTokenId && d.Day == day && d.SpentFen + price <= capFen)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.SpentFen, d => d.SpentFen + price), ct);
            if (within != 1)
            {
                await tx.RollbackAsync(ct);
                return new DebitOutcome(false, Guid.Empty, price, await ReadBalanceAsync(db, request.UserId, ct), DailyCapReached: true);
            }
        }
        var debited = await db.Accounts
            .Where(a => a.UserId == request.UserId && a.BalanceFen >= price)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen - price), ct);
        if (debited != 1)
        {
            await tx.RollbackAsync(ct);
            return new DebitOutcome(false, Guid.Empty, price, await ReadBalanceAsync(db, request.UserId, ct));
        }

        var balanceAfter = await ReadBalanceAsync(db, request.UserId, ct);
        var chargeId = Guid.CreateVersion7(now);
        var entryId = Guid.CreateVersion7(now);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = entryId, UserId = request.UserId, AmountFen = -price, Kind = LedgerEntryKind.Charge,
            BalanceAfterFen = balanceAfter, ChargeId = chargeId, Description = request.Product,
            RequestId = request.RequestId, CreatedAt = now,
        });
        db.Charges.Add(new Charge
        {
            Id = chargeId, UserId = request.UserId, Product = request.Product, PriceFen = price,
            Status = ChargeStatus.Pending, RequestId = request.RequestId, ApiTokenId = request.ApiTokenId,
            DebitEntryId = entryId, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new DebitOutcome(true, chargeId, price, balanceAfter);
    }

    /// <summary>Marks a Pending charge Succeeded. Returns false when it was no longer Pending (e.g. already refunded).</summary>
    public async Task<bool> SettleAsync(Guid chargeId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = await db.Charges
            .Where(c => c.Id == chargeId && c.Status == ChargeStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChargeStatus.Succeeded).SetProperty(c => c.SettledAt, now), ct);
        return rows == 1;
    }

    /// <summary>
    /// Marks several Pending charges Succeeded and runs <paramref name="alsoInTransaction"/> in the same database
    /// transaction — used to commit a request's settlement atomically with its stored idempotent response, so a crash
    /// leaves either both (the response replays) or neither (the charges stay Pending and are refunded).
    /// </summary>
    /// <returns>How many charges moved to Succeeded.</returns>
    public async Task<int> SettleAsync(IReadOnlyCollection<Guid> chargeIds, Func<PortalDbContext, CancellationToken, Task> alsoInTransaction, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var settled = 0;
        foreach (var id in chargeIds)
        {
            settled += await db.Charges
                .Where(c => c.Id == id && c.Status == ChargeStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChargeStatus.Succeeded).SetProperty(c => c.SettledAt, now), ct);
        }
        await alsoInTransaction(db, ct);
        await tx.CommitAsync(ct);
        return settled;
    }

    /// <summary>
    /// Refunds a Pending charge: in one transaction the guarded transition Pending → Refunded, the credit and the
    /// compensating ledger entry. A charge already Succeeded or Refunded is left alone (<c>Refunded = false</c>),
    /// so concurrent or repeated calls refund at most once (I4).
    /// </summary>
    /// <param name="chargeId">The charge.</param>
    /// <param name="reason">Why (stored on the charge; no secrets), truncated to 500 chars.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<RefundOutcome> RefundAsync(Guid chargeId, string reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var why = Truncate(reason, 500);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Charges
            .Where(c => c.Id == chargeId && c.Status == ChargeStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, ChargeStatus.Refunded)
                .SetProperty(c => c.SettledAt, now)
                .SetProperty(c => c.FailureReason, why), ct);
        var charge = await db.Charges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == chargeId, ct);
        if (claimed != 1 || charge is null)
        {
            await tx.RollbackAsync(ct);
            return new RefundOutcome(false, charge is null ? 0 : await ReadBalanceAsync(db, charge.UserId, ct));
        }

        await db.Accounts.Where(a => a.UserId == charge.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen + charge.PriceFen), ct);
        if (charge.ApiTokenId is { } refundTokenId)
        {
            // Give the refunded amount back to the day's cap (no row: the token has no cap).
            var chargeDay = ApiTokenDailySpend.DayOf(charge.CreatedAt);
            await db.ApiTokenDailySpends
                .Where(d => d.ApiTokenId == refundTokenId && d.Day == chargeDay && d.SpentFen >= charge.PriceFen)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.SpentFen, d => d.SpentFen - charge.PriceFen), ct);
        }
        var balanceAfter = await ReadBalanceAsync(db, charge.UserId, ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = charge.UserId, AmountFen = charge.PriceFen, Kind = LedgerEntryKind.Refund,
            BalanceAfterFen = balanceAfter, ChargeId = charge.Id, RefundOfEntryId = charge.DebitEntryId,
            Description = charge.Product, RequestId = charge.RequestId, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        faults.At(FaultPoints.InsideRefund);
        await tx.CommitAsync(ct);
        return new RefundOutcome(true, balanceAfter);
    }

    /// <summary>
    /// Refunds every Pending charge created before <c>now − olderThan</c>, at most <paramref name="batchSize"/> of them,
    /// oldest first. Safe to run concurrently with itself: each refund is the guarded transition of <see cref="RefundAsync"/>.
    /// </summary>
    /// <returns>How many charges this run refunded.</returns>
    public async Task<int> RefundStalePendingChargesAsync(TimeSpan olderThan, int batchSize, CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            ids = await db.Charges.AsNoTracking()
                .Where(c => c.Status == ChargeStatus.Pending && c.CreatedAt < cutoff)
                .OrderBy(c => c.CreatedAt).Select(c => c.Id).Take(batchSize).ToListAsync(ct);
        }

        var refunded = 0;
        foreach (var id in ids)
        {
            if ((await RefundAsync(id, "reconciler: pending past timeout", ct)).Refunded) refunded++;
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
        return new(BalanceChangeError.None, amountFen, balanceAfter);
    }

    /// <summary>
    /// Claims a redemption code for <paramref name="userId"/> and credits its amount, in one transaction. The claim is a
    /// guarded <c>UPDATE … WHERE Status = 'Available'</c>, so a code is redeemed at most once however many try at once.
    /// </summary>
    /// <param name="userId">Who redeems.</param>
    /// <param name="code">The code as typed; case and surrounding spaces are ignored.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<BalanceChangeOutcome> RedeemAsync(string userId, string code, CancellationToken ct = default)
    {
        var normalized = RedemptionCodes.Normalize(code);
        await EnsureAccountAsync(userId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.RedemptionCodes
            .Where(c => c.Code == normalized && c.Status == RedemptionCodeStatus.Available && (c.ExpiresAt == null || c.ExpiresAt > now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, RedemptionCodeStatus.Redeemed)
                .SetProperty(c => c.RedeemedByUserId, userId)
                .SetProperty(c => c.RedeemedAt, now), ct);
        var row = await db.RedemptionCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Code == normalized, ct);
        if (claimed != 1 || row is null)
        {
            await tx.RollbackAsync(ct);
            var error = row is null ? BalanceChangeError.CodeNotFound
                : row.Status == RedemptionCodeStatus.Redeemed ? BalanceChangeError.CodeAlreadyRedeemed
                : BalanceChangeError.CodeExpired;
            return new(error, 0, await ReadBalanceAsync(db, userId, ct));
        }

        await db.Accounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.BalanceFen, a => a.BalanceFen + row.AmountFen), ct);
        var balanceAfter = await ReadBalanceAsync(db, userId, ct);
        db.LedgerEntries.Add(new LedgerEntry
        {
            Id = Guid.CreateVersion7(now), UserId = userId, AmountFen = row.AmountFen, Kind = LedgerEntryKind.Redeem,
            BalanceAfterFen = balanceAfter, RedemptionCodeId = row.Id, Description = RedemptionCodes.Mask(row.Code), CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new(BalanceChangeError.None, row.AmountFen, balanceAfter);
    }

    /// <summary>Sets a product's price in fen (≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative price or unknown product.</exception>
    public async Task SetPriceAsync(string product, long priceFen, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priceFen);
        if (BillableProducts.All.All(p => p.Product != product)) throw new ArgumentOutOfRangeException(nameof(product), product, "unknown product");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var row = await db.ProductPrices.SingleOrDefaultAsync(p => p.Product == product, ct);
        if (row is null) db.ProductPrices.Add(new ProductPrice { Product = product, PriceFen = priceFen, UpdatedAt = now });
        else { row.PriceFen = priceFen; row.UpdatedAt = now; }
        await db.SaveChangesAsync(ct);
    }

    private static async Task<long> GetPriceFenAsync(PortalDbContext db, string product, CancellationToken ct)
    {
        var price = await db.ProductPrices.Where(p => p.Product == product).Select(p => (long?)p.PriceFen).SingleOrDefaultAsync(ct);
        return price ?? BillableProducts.All.Where(p => p.Product == product).Select(p => (long?)p.DefaultPriceFen).SingleOrDefault()
            ?? throw new ArgumentOutOfRangeException(nameof(product), product, "unknown product");
    }

    private Task EnsureDailySpendRowAsync(Guid tokenId, int day, CancellationToken ct) =>
        dbFactory.InsertIfMissingAsync<ApiTokenDailySpend>(d => d.ApiTokenId == tokenId && d.Day == day,
            () => new ApiTokenDailySpend { ApiTokenId = tokenId, Day = day }, ct);

    private static async Task<long> ReadBalanceAsync(PortalDbContext db, string userId, CancellationToken ct) =>
        await db.Accounts.Where(a => a.UserId == userId).Select(a => (long?)a.BalanceFen).SingleOrDefaultAsync(ct) ?? 0;

    private async Task<bool> UserExistsAsync(string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.Id == userId, ct);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
