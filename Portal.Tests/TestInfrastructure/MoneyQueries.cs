using Microsoft.EntityFrameworkCore;
using Portal.Features.Billing;

namespace Portal.Tests.TestInfrastructure;

/// <summary>Read-only views of the money tables for assertions.</summary>
public static class MoneyQueries
{
    /// <summary>The user's charges, oldest first.</summary>
    public static async Task<List<Charge>> ChargesOfAsync(this PortalFactory factory, string userId)
    {
        await using var db = await factory.DbAsync();
        return (await db.Charges.AsNoTracking().Where(c => c.UserId == userId).ToListAsync()).OrderBy(c => c.Id).ToList();
    }

    /// <summary>The user's ledger entries, oldest first.</summary>
    public static async Task<List<LedgerEntry>> LedgerOfAsync(this PortalFactory factory, string userId)
    {
        await using var db = await factory.DbAsync();
        return (await db.LedgerEntries.AsNoTracking().Where(e => e.UserId == userId).ToListAsync()).OrderBy(e => e.Id).ToList();
    }
}
