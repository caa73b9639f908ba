using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Admin;
using Portal.Features.ApiTokens;
using Portal.Features.Billing.Ledger;
using Portal.Infrastructure.Idempotency;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>
/// The only code that writes balances, charges and ledger entries (docs/money.md). Debits, settlements and refunds go
/// through the <see cref="LedgerWriter"/>: one conditional <c>UPDATE … WHERE BalanceFen &gt;= @price</c> per debit (never
/// check-then-debit), one guarded <c>UPDATE Charges … WHERE Status = 'Pending'</c> per settlement or refund, many
/// requests per committed transaction, each in its own savepoint. Prices are read from memory (see
/// <see cref="GetPriceFenAsync"/>). Adjustments and redemptions are rare and run in their own transactions.
/// </summary>
public sealed partial class BillingLedger(
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

    /// <summary>
    /// Completes once every ledger write committed so far is on disk. A reader that acts on what it read in the ledger's
    /// tables (a stored idempotent response about to be replayed) awaits it first: with SQLite's log flush thread a batch
    /// is visible to other connections a moment before it is flushed (docs/architecture.md, "The ledger writer").
    /// </summary>
    /// <exception cref="LedgerBusyException">The writer's queue is full (503).</exception>
    /// <exception cref="LedgerUnavailableException">The writer is stopped (503).</exception>
    public Task DurableAsync() => writer.DurableAsync();

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
    /// Sets a product's price in fen (0 to <see cref="BillableProducts.MaxPriceFen"/>); this instance uses it at once, other
    /// instances at once through Redis when it is configured, otherwise within the cache lifetime. With
    /// <paramref name="auditActorId"/>, the <see cref="AdminActions.PriceSet"/> audit entry (before and after in yuan, the
    /// price before read in the same transaction) is written in the same transaction as the price: a change is never
    /// left unaudited. Returns the price before, in fen.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative price, one above <see cref="BillableProducts.MaxPriceFen"/>, or unknown product.</exception>
    public async Task<long> SetPriceAsync(string product, long priceFen, string? auditActorId = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priceFen);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priceFen, BillableProducts.MaxPriceFen);
        var defaultFen = BillableProducts.DefaultPriceFenOf(product) ?? throw new ArgumentOutOfRangeException(nameof(product), product, "unknown product");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var row = await db.ProductPrices.SingleOrDefaultAsync(p => p.Product == product, ct);
        var before = row?.PriceFen ?? defaultFen;
        if (row is null) db.ProductPrices.Add(new ProductPrice { Product = product, PriceFen = priceFen, UpdatedAt = now });
        else { row.PriceFen = priceFen; row.UpdatedAt = now; }
        if (auditActorId is not null)
            db.AdminAuditEntries.Add(AdminAuditLog.Entry(now, auditActorId, AdminActions.PriceSet, product, Money.Format(before), Money.Format(priceFen)));
        await db.SaveChangesAsync(ct);
        prices.Changed(product);
        return before;
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
