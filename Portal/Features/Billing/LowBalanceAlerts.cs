using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>
/// Users' low-balance thresholds: set and read by the dashboard, checked by <see cref="LowBalanceAlertJob"/>. The
/// threshold row is separate from the account so the ledger's hot path never touches it.
/// </summary>
public sealed class LowBalanceAlerts(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The user's threshold in fen, or null when none is set.</summary>
    public async Task<long?> GetThresholdFenAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.BalanceAlerts.Where(a => a.UserId == userId).Select(a => (long?)a.ThresholdFen).SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Sets (or with null removes) the user's threshold in fen. A new threshold re-arms the alert, so a balance already
    /// below it is reported once by the next job run.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold below 1 fen or above <see cref="Money.MaxAmountFen"/>.</exception>
    public async Task SetThresholdFenAsync(string userId, long? thresholdFen, CancellationToken ct = default)
    {
        if (thresholdFen is { } t && (t < 1 || t > Money.MaxAmountFen)) throw new ArgumentOutOfRangeException(nameof(thresholdFen), thresholdFen, "1 fen to the largest amount");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.BalanceAlerts.SingleOrDefaultAsync(a => a.UserId == userId, ct);
        if (thresholdFen is null)
        {
            if (row is not null) db.BalanceAlerts.Remove(row);
        }
        else if (row is null)
        {
            db.BalanceAlerts.Add(new BalanceAlert { UserId = userId, ThresholdFen = thresholdFen.Value });
        }
        else
        {
            row.ThresholdFen = thresholdFen.Value;
            row.AlertedAt = null;
        }
        await db.SaveChangesAsync(ct);
    }
}
