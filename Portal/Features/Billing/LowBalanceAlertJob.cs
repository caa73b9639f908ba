using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>
/// Hangfire job <c>billing:low-balance-alerts</c> (every minute): for each user whose balance is below their threshold
/// and who has not been alerted for this crossing, claims the alert with a guarded <c>UPDATE … WHERE AlertedAt IS NULL</c>
/// (so concurrent runs alert once) and sends one e-mail when mail is configured; users back at or above their threshold
/// are re-armed. Never runs on the call path.
/// </summary>
public sealed class LowBalanceAlertJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, SmtpMailer mailer, ILogger<LowBalanceAlertJob> logger)
{
    /// <summary>Recurring job id.</summary>
    public const string Id = "billing:low-balance-alerts";

    /// <summary>Most alerts one run sends.</summary>
    public const int BatchSize = 200;

    /// <summary>Runs once; returns how many users were alerted.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Re-arm: the balance is back at or above the threshold.
        await db.BalanceAlerts
            .Where(a => a.AlertedAt != null && db.Accounts.Any(x => x.UserId == a.UserId && x.BalanceFen >= a.ThresholdFen))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AlertedAt, (DateTimeOffset?)null), ct);

        var due = await (from a in db.BalanceAlerts.AsNoTracking()
                         join x in db.Accounts on a.UserId equals x.UserId
                         join u in db.Users on a.UserId equals u.Id
                         where a.AlertedAt == null && x.BalanceFen < a.ThresholdFen
                         orderby a.UserId
                         select new { a.UserId, a.ThresholdFen, x.BalanceFen, u.Email })
            .Take(BatchSize).ToListAsync(ct);

        var alerted = 0;
        foreach (var d in due)
        {
            var now = time.GetUtcNow();
            var claimed = await db.BalanceAlerts.Where(a => a.UserId == d.UserId && a.AlertedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.AlertedAt, now), ct);
            if (claimed != 1) continue; // another run took it
            alerted++;
            if (!mailer.IsConfigured || string.IsNullOrEmpty(d.Email)) continue; // the portal's banner still shows it
            var balance = "¥" + Money.Format(d.BalanceFen);
            var threshold = "¥" + Money.Format(d.ThresholdFen);
            var text = $"您的 Portal 余额为 {balance}，已低于您设置的提醒额度 {threshold}。请及时充值，以免 API 调用因余额不足被拒绝。\n\n" +
                       $"Your Portal balance is {balance}, below the alert threshold of {threshold} you set. Top up so API calls are not refused.";
            var html = "<p>" + System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal) + "</p>";
            if (!await mailer.SendAsync(d.Email, "Portal 余额不足提醒 / Low balance", text, html, ct))
                logger.LogWarning("Low-balance alert for user {UserId} could not be sent", d.UserId);
        }
        return alerted;
    }
}
