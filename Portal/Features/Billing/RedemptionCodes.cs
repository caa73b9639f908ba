using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>Format of redemption codes: <c>PTL-XXXX-XXXX-XXXX</c> over an alphabet without 0/O/1/I (≈ 69 bits).</summary>
public static class RedemptionCodes
{
    private const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>A new random code.</summary>
    public static string Generate()
    {
        var chars = RandomNumberGenerator.GetString(Alphabet, 12);
        return $"PTL-{chars[..4]}-{chars[4..8]}-{chars[8..]}";
    }

    /// <summary>Upper-cases and trims what a person typed so it matches the stored form.</summary>
    public static string Normalize(string? typed) => (typed ?? "").Trim().ToUpperInvariant();

    /// <summary>A code shown by its last four characters only, safe for ledger descriptions and exports: <c>PTL-****-****-3RDW</c>.</summary>
    public static string Mask(string hint) => "PTL-****-****-" + (hint.Length <= 4 ? hint : hint[^4..]);

    /// <summary>What is stored of a code: lower-case hex SHA-256 of its normalised form (64 characters).</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));
}

/// <summary>A code as created: the plaintext exists only in this object, shown and exported once.</summary>
/// <param name="Id">The stored row.</param>
/// <param name="Code">The code people type, e.g. <c>PTL-7KQ2-M9XA-3RDW</c>.</param>
public sealed record IssuedRedemptionCode(Guid Id, string Code);

/// <summary>A batch as listed to admins, with how many of its codes were redeemed.</summary>
/// <param name="Id">Batch id.</param>
/// <param name="AmountFen">Credit per code, in fen.</param>
/// <param name="Count">Codes created.</param>
/// <param name="RedeemedCount">Codes claimed.</param>
/// <param name="ExpiresAt">Expiry (UTC), or null.</param>
/// <param name="CreatedAt">Created (UTC).</param>
/// <param name="CreatedBy">The creating admin's e-mail (or id when the account is gone).</param>
public sealed record RedemptionBatchSummary(Guid Id, long AmountFen, int Count, int RedeemedCount, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, string CreatedBy)
{
    /// <summary>When the batch was voided (UTC), or null.</summary>
    public DateTimeOffset? VoidedAt { get; init; }

    /// <summary>Codes made unusable by voiding.</summary>
    public int VoidedCount { get; init; }

    /// <summary>Codes neither claimed nor voided (some may be past their expiry).</summary>
    public int UnclaimedCount => Count - RedeemedCount - VoidedCount;
}

/// <summary>The outcome of voiding a batch.</summary>
/// <param name="Found">False when there is no such batch.</param>
/// <param name="VoidedCount">Codes this call made unusable (claimed codes are never touched).</param>
/// <param name="VoidedFen">Their total value in fen: <paramref name="VoidedCount"/> × the batch's amount.</param>
public sealed record VoidBatchOutcome(bool Found, int VoidedCount, long VoidedFen);

/// <summary>Admin operations on redemption-code batches (creating, listing, exporting). Redeeming is <see cref="BillingLedger.RedeemAsync"/>.</summary>
public sealed class RedemptionCodeService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Largest batch one request may create.</summary>
    public const int MaxBatchCount = 1000;

    /// <summary>Creates <paramref name="count"/> codes worth <paramref name="amountFen"/> each.</summary>
    /// <returns>The batch and its codes in plaintext, in creation order — the only time they exist outside a hash.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Amount ≤ 0 or too large, count outside 1–1000, or expiry in the past.</exception>
    public async Task<(RedemptionCodeBatch Batch, IReadOnlyList<IssuedRedemptionCode> Codes)> CreateBatchAsync(
        string adminUserId, long amountFen, int count, DateTimeOffset? expiresAt, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (amountFen <= 0 || amountFen > Money.MaxAmountFen) throw new ArgumentOutOfRangeException(nameof(amountFen), "amount must be positive");
        if (count is < 1 or > MaxBatchCount) throw new ArgumentOutOfRangeException(nameof(count), $"count must be 1–{MaxBatchCount}");
        if (expiresAt is { } e && e <= now) throw new ArgumentOutOfRangeException(nameof(expiresAt), "expiry must be in the future");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = new RedemptionCodeBatch
        {
            Id = Guid.CreateVersion7(now), AmountFen = amountFen, Count = count, ExpiresAt = expiresAt?.ToUniversalTime(),
            CreatedByUserId = adminUserId, CreatedAt = now,
        };
        var codes = new HashSet<string>();
        while (codes.Count < count) codes.Add(RedemptionCodes.Generate());
        var issued = codes.Select(c => new IssuedRedemptionCode(Guid.CreateVersion7(now), c)).ToList();
        db.RedemptionCodeBatches.Add(batch);
        db.RedemptionCodes.AddRange(issued.Select(c => new RedemptionCode
        {
            Id = c.Id, CodeHash = RedemptionCodes.Hash(c.Code), Hint = c.Code[^4..], BatchId = batch.Id, AmountFen = amountFen,
            ExpiresAt = batch.ExpiresAt, Status = RedemptionCodeStatus.Available, CreatedAt = now,
        }));
        await db.SaveChangesAsync(ct);
        return (batch, issued);
    }

    /// <summary>One page of batches, newest first, with redemption counts.</summary>
    public async Task<(IReadOnlyList<RedemptionBatchSummary> Items, int Total)> ListBatchesAsync(int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.RedemptionCodeBatches.CountAsync(ct);
        var items = await db.RedemptionCodeBatches.AsNoTracking()
            .OrderByDescending(b => b.Id).Skip(skip).Take(take)
            .Select(b => new RedemptionBatchSummary(
                b.Id, b.AmountFen, b.Count,
                db.RedemptionCodes.Count(c => c.BatchId == b.Id && c.Status == RedemptionCodeStatus.Redeemed),
                b.ExpiresAt, b.CreatedAt,
                db.Users.Where(u => u.Id == b.CreatedByUserId).Select(u => u.Email).FirstOrDefault() ?? b.CreatedByUserId)
            {
                VoidedAt = b.VoidedAt,
                VoidedCount = db.RedemptionCodes.Count(c => c.BatchId == b.Id && c.Status == RedemptionCodeStatus.Voided),
            })
            .ToListAsync(ct);
        return (items, total);
    }

    /// <summary>
    /// Voids a batch: every code of it still <see cref="RedemptionCodeStatus.Available"/> becomes
    /// <see cref="RedemptionCodeStatus.Voided"/> in one guarded <c>UPDATE … WHERE Status = 'Available'</c>, so a code
    /// claimed at the same moment is either claimed (and kept) or voided, never both; claimed codes and the balances
    /// they credited are not touched. Voiding again voids whatever is still unclaimed (normally nothing).
    /// </summary>
    /// <returns>How many codes this call voided and their value.</returns>
    public async Task<VoidBatchOutcome> VoidBatchAsync(Guid batchId, string adminUserId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.RedemptionCodeBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return new(false, 0, 0);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var voided = await db.RedemptionCodes.Where(c => c.BatchId == batchId && c.Status == RedemptionCodeStatus.Available)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, RedemptionCodeStatus.Voided), ct);
        await db.RedemptionCodeBatches.Where(b => b.Id == batchId && b.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.VoidedAt, now).SetProperty(b => b.VoidedByUserId, adminUserId), ct);
        await tx.CommitAsync(ct);
        return new(true, voided, voided * batch.AmountFen);
    }

    /// <summary>Codes of a batch still unclaimed (and not voided), with their total value in fen — what voiding would take away.</summary>
    public async Task<(int Count, long TotalFen)> UnclaimedAsync(Guid batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var codes = db.RedemptionCodes.Where(c => c.BatchId == batchId && c.Status == RedemptionCodeStatus.Available);
        return (await codes.CountAsync(ct), await codes.SumAsync(c => (long?)c.AmountFen, ct) ?? 0);
    }

    /// <summary>
    /// Hashes the codes of rows created before codes were stored hashed, and forgets their plaintext. Idempotent; run
    /// at start-up.
    /// </summary>
    /// <returns>How many rows were converted.</returns>
    public async Task<int> HashLegacyCodesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var legacy = await db.RedemptionCodes.Where(c => c.LegacyCode != "").Select(c => new { c.Id, c.LegacyCode }).ToListAsync(ct);
        foreach (var row in legacy)
        {
            var normalized = RedemptionCodes.Normalize(row.LegacyCode);
            var hash = RedemptionCodes.Hash(normalized);
            var hint = normalized[^Math.Min(4, normalized.Length)..];
            await db.RedemptionCodes.Where(c => c.Id == row.Id && c.LegacyCode != "").ExecuteUpdateAsync(s => s
                .SetProperty(c => c.CodeHash, hash).SetProperty(c => c.Hint, hint).SetProperty(c => c.LegacyCode, ""), ct);
        }
        return legacy.Count;
    }

    /// <summary>
    /// CSV (RFC 4180, UTF-8) of one batch as it stands: <c>code,amount,status,expires_at,redeemed_by,redeemed_at</c>, the
    /// code masked to its last four characters (the codes themselves were exported once, at creation:
    /// <see cref="CsvOfIssued"/>); amounts in yuan with two decimals, instants in ISO 8601 UTC.
    /// </summary>
    public async Task<string> ExportCsvAsync(Guid batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.RedemptionCodes.AsNoTracking().Where(c => c.BatchId == batchId).OrderBy(c => c.Id)
            .Select(c => new { c.Hint, c.AmountFen, c.Status, c.ExpiresAt, RedeemedBy = db.Users.Where(u => u.Id == c.RedeemedByUserId).Select(u => u.Email).FirstOrDefault(), c.RedeemedAt })
            .ToListAsync(ct);
        var sb = new StringBuilder("code,amount,status,expires_at,redeemed_by,redeemed_at\n");
        foreach (var r in rows)
        {
            sb.Append(RedemptionCodes.Mask(r.Hint)).Append(',').Append(Money.Format(r.AmountFen)).Append(',').Append(r.Status).Append(',')
              .Append(Iso(r.ExpiresAt)).Append(',').Append(Csv(r.RedeemedBy)).Append(',').Append(Iso(r.RedeemedAt)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The CSV of a batch just created, with the codes in plaintext: <c>code,amount,expires_at</c>. Offered once.</summary>
    public static string CsvOfIssued(IReadOnlyList<IssuedRedemptionCode> codes, long amountFen, DateTimeOffset? expiresAt)
    {
        var sb = new StringBuilder("code,amount,expires_at\n");
        foreach (var c in codes) sb.Append(c.Code).Append(',').Append(Money.Format(amountFen)).Append(',').Append(Iso(expiresAt)).Append('\n');
        return sb.ToString();
    }

    private static string Iso(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Csv(string? s)
    {
        if (s is null) return "";
        // A leading = + - @ (or tab/CR) would run as a formula when an admin opens the file in a spreadsheet (CSV injection).
        if (s.Length > 0 && "=+-@\t\r".Contains(s[0])) s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
