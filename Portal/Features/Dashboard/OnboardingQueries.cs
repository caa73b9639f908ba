using Microsoft.EntityFrameworkCore;
using Portal.Features.Billing;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Dashboard;

/// <summary>Which first steps a user has taken, each read from the data it leaves behind.</summary>
/// <param name="ToppedUp">A credit reached the balance: a redeemed code, a top-up or an admin's positive adjustment.</param>
/// <param name="HasToken">An API token was ever created (revoked ones count: the step was done).</param>
/// <param name="HasApp">A mini-program is registered.</param>
/// <param name="HasCalledApi">At least one billable call came through the API with a token.</param>
public sealed record OnboardingStatus(bool ToppedUp, bool HasToken, bool HasApp, bool HasCalledApi)
{
    /// <summary>Every step done: the dashboard hides the checklist.</summary>
    public bool Complete => ToppedUp && HasToken && HasApp && HasCalledApi;

    /// <summary>Steps done, 0 to 4.</summary>
    public int Done => (ToppedUp ? 1 : 0) + (HasToken ? 1 : 0) + (HasApp ? 1 : 0) + (HasCalledApi ? 1 : 0);
}

/// <summary>Reads a user's <see cref="OnboardingStatus"/>: four indexed existence checks.</summary>
public sealed class OnboardingQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The first-run checklist's state for <paramref name="userId"/>.</summary>
    public async Task<OnboardingStatus> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The Kind <> Charge term is the filter of the ledger's per-user index: written out, the planner may use it.
        var toppedUp = await db.LedgerEntries.AnyAsync(e => e.UserId == userId && e.Kind != LedgerEntryKind.Charge && e.AmountFen > 0
            && (e.Kind == LedgerEntryKind.Redeem || e.Kind == LedgerEntryKind.TopUp || e.Kind == LedgerEntryKind.AdminAdjust), ct);
        var hasToken = await db.ApiTokens.AnyAsync(t => t.UserId == userId, ct);
        var hasApp = await db.MiniProgramApps.AnyAsync(a => a.UserId == userId, ct);
        var called = await db.Charges.AnyAsync(c => c.UserId == userId && c.ApiTokenId != null, ct);
        return new OnboardingStatus(toppedUp, hasToken, hasApp, called);
    }
}
