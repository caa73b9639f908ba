using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Portal.Infrastructure.Persistence;

/// <summary>Idempotent, race-safe creation of a row that other statements then update conditionally.</summary>
public static class InsertIfMissingExtensions
{
    /// <summary>
    /// Inserts <paramref name="create"/>() unless a row matching <paramref name="exists"/> is already there. When a
    /// concurrent request (or instance) inserts it first, the unique key rejects ours and that is the outcome we wanted;
    /// any other failure is rethrown.
    /// </summary>
    /// <exception cref="DbUpdateException">The insert failed and the row still does not exist.</exception>
    public static async Task InsertIfMissingAsync<T>(this IDbContextFactory<PortalDbContext> dbFactory,
        Expression<Func<T, bool>> exists, Func<T> create, CancellationToken ct) where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Set<T>().AnyAsync(exists, ct)) return;
        db.Set<T>().Add(create());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await using var check = await dbFactory.CreateDbContextAsync(ct);
            if (!await check.Set<T>().AnyAsync(exists, ct)) throw;
        }
    }
}
