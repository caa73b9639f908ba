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

    /// <summary>A code with its middle hidden, safe for ledger descriptions: <c>PTL-****-****-3RDW</c>.</summary>
    public static string Mask(string code) => code.Length <= 4 ? "****" : "PTL-****-****-" + code[^4..];
}

/// <summary>A batch as listed to admins, with how many of its codes were redeemed.</summary>
public sealed record RedemptionBatchSummary(Guid Id, long AmountFen, int Count, int RedeemedCount, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>Admin operations on redemption-code batches (creating, listing, exporting). Redeeming is <see cref="BillingLedger.RedeemAsync"/>.</summary>
public sealed class RedemptionCodeService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Largest batch one request may create.</summary>
    public const int MaxBatchCount = 1000;

    /// <summary>Creates <paramref name="count"/> codes worth <paramref name="amountFen"/> each.</summary>
    /// <returns>The batch and its codes, in creation order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Amount ≤ 0 or too large, count outside 1–1000, or expiry in the past.</exception>
    public async Task<(RedemptionCodeBatch Batch, IReadOnlyList<RedemptionCode> Codes)> CreateBatchAsync(
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
        var rows = codes.Select(c => new RedemptionCode
        {
            Id = Guid.CreateVersion7(now), Code = c, BatchId = batch.Id, AmountFen = amountFen, ExpiresAt = batch.ExpiresAt,
            Status = RedemptionCodeStatus.Available, CreatedAt = now,
        }).ToList();
        db.RedemptionCodeBatches.Add(batch);
        db.RedemptionCodes.AddRange(rows);
        await db.SaveChangesAsync(ct);
        return (batch, rows);
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
                db.Users.Where(u => u.Id == b.CreatedByUserId).Select(u => u.Email).FirstOrDefault() ?? b.CreatedByUserId))
            .ToListAsync(ct);
        return (items, total);
    }

    /// <summary>The codes of one batch, in creation order.</summary>
    public async Task<IReadOnlyList<RedemptionCode>> ListCodesAsync(Guid batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RedemptionCodes.AsNoTracking().Where(c => c.BatchId == batchId).OrderBy(c => c.Id).ToListAsync(ct);
    }

    /// <summary>
    /// CSV (RFC 4180, UTF-8) of one batch: <c>code,amount,status,expires_at,redeemed_by,redeemed_at</c>; amounts in yuan with
    /// two decimals, instants in ISO 8601 UTC.
    /// </summary>
    public async Task<string> ExportCsvAsync(Guid batchId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.RedemptionCodes.AsNoTracking().Where(c => c.BatchId == batchId).OrderBy(c => c.Id)
            .Select(c => new { c.Code, c.AmountFen, c.Status, c.ExpiresAt, RedeemedBy = db.Users.Where(u => u.Id == c.RedeemedByUserId).Select(u => u.Email).FirstOrDefault(), c.RedeemedAt })
            .ToListAsync(ct);
        var sb = new StringBuilder("code,amount,status,expires_at,redeemed_by,redeemed_at\n");
        foreach (var r in rows)
        {
            sb.Append(r.Code).Append(',').Append(Money.Format(r.AmountFen)).Append(',').Append(r.Status).Append(',')
              .Append(Iso(r.ExpiresAt)).Append(',').Append(Csv(r.RedeemedBy)).Append(',').Append(Iso(r.RedeemedAt)).Append('\n');
        }
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
