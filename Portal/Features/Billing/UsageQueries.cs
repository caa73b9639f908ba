using Microsoft.EntityFrameworkCore;
using Portal.Components.Shared;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>One calendar day (China Standard Time) of billable calls.</summary>
/// <param name="Day">The day.</param>
/// <param name="Succeeded">Calls that succeeded (billed).</param>
/// <param name="Refunded">Calls that failed and were refunded.</param>
/// <param name="Pending">Calls still in flight (billed until settled or refunded).</param>
/// <param name="SpendFen">Fen spent that day: the prices of calls not refunded.</param>
public sealed record DailyUsage(DateOnly Day, long Succeeded, long Refunded, long Pending, long SpendFen)
{
    /// <summary>All calls of the day.</summary>
    public long Calls => Succeeded + Refunded + Pending;
}

/// <summary>Usage of one product over the whole period.</summary>
/// <param name="Product">Product code (<see cref="BillableProducts"/>).</param>
/// <param name="Calls">Calls, any status.</param>
/// <param name="Refunded">Of which refunded.</param>
/// <param name="SpendFen">Fen spent (calls not refunded).</param>
/// <param name="PerDay">Calls per day, one value for each day of <see cref="UsageReport.Days"/>.</param>
public sealed record ProductUsage(string Product, long Calls, long Refunded, long SpendFen, IReadOnlyList<long> PerDay);

/// <summary>Billable usage over the last days, for the dashboard's charts.</summary>
/// <param name="Days">Every day of the period, oldest first, today last (days without calls included, all zero).</param>
/// <param name="Products">Products with at least one call in the period, most calls first.</param>
public sealed record UsageReport(IReadOnlyList<DailyUsage> Days, IReadOnlyList<ProductUsage> Products)
{
    /// <summary>Today's figures (the last day).</summary>
    public DailyUsage Today => Days[^1];

    /// <summary>Calls in the whole period.</summary>
    public long TotalCalls => Days.Sum(d => d.Calls);

    /// <summary>Fen spent in the whole period.</summary>
    public long TotalSpendFen => Days.Sum(d => d.SpendFen);
}

/// <summary>
/// Usage figures for the dashboard, one user's or site-wide. The database groups the charges by day, product and
/// status in one statement (a day is a calendar day of <see cref="UiFormat.DisplayZone"/>); only those few groups are
/// read, never the charges themselves.
/// </summary>
public sealed class UsageQueries(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Longest period the dashboard asks for, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// Calls and spend per day and per product over the last <paramref name="days"/> days including today.
    /// </summary>
    /// <param name="userId">Whose charges; null for every user (admins).</param>
    /// <param name="days">Length of the period, 1 to <see cref="MaxDays"/>.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="test">True for test-mode charges only; false (the default, and every site-wide figure) for live ones.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> out of range.</exception>
    public async Task<UsageReport> GetAsync(string? userId, int days = 30, CancellationToken ct = default, bool test = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var first = UiFormat.Today(time.GetUtcNow()).AddDays(1 - days);
        var origin = UiFormat.StartOfDay(first);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await GroupAsync(db, userId, origin, test, ct);

        var perDay = new (long Ok, long Refunded, long Pending, long Fen)[days];
        var perProduct = new Dictionary<string, (long Calls, long Refunded, long Fen, long[] PerDay)>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            if (g.Day < 0 || g.Day >= days) continue; // a charge stamped in the future (clock skew between instances)
            var i = (int)g.Day;
            var refunded = g.Status == nameof(ChargeStatus.Refunded);
            var fen = refunded ? 0 : g.Fen;
            perDay[i] = g.Status switch
            {
                nameof(ChargeStatus.Succeeded) => perDay[i] with { Ok = perDay[i].Ok + g.Calls, Fen = perDay[i].Fen + fen },
                nameof(ChargeStatus.Refunded) => perDay[i] with { Refunded = perDay[i].Refunded + g.Calls },
                _ => perDay[i] with { Pending = perDay[i].Pending + g.Calls, Fen = perDay[i].Fen + fen },
            };
            if (!perProduct.TryGetValue(g.Product, out var p)) p = (0, 0, 0, new long[days]);
            p.PerDay[i] += g.Calls;
            perProduct[g.Product] = (p.Calls + g.Calls, p.Refunded + (refunded ? g.Calls : 0), p.Fen + fen, p.PerDay);
        }

        return new UsageReport(
            [.. perDay.Select((d, i) => new DailyUsage(first.AddDays(i), d.Ok, d.Refunded, d.Pending, d.Fen))],
            [.. perProduct.OrderByDescending(p => p.Value.Calls).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new ProductUsage(p.Key, p.Value.Calls, p.Value.Refunded, p.Value.Fen, p.Value.PerDay))]);
    }

    /// <summary>One aggregated group as the database returns it: day index from the period's first day.</summary>
    internal sealed record UsageGroup(long Day, string Product, string Status, long Calls, long Fen);

    private static Task<List<UsageGroup>> GroupAsync(PortalDbContext db, string? userId, DateTimeOffset origin, bool test, CancellationToken ct)
    {
        // The stored form of CreatedAt differs per provider (SQLite: the value converter's INTEGER, whose scale is
        // linear in UTC ticks; PostgreSQL timestamptz; SQL Server datetimeoffset), so the day bucket is written per
        // provider and the bounds go through the column's own converter.
        var converter = db.Model.FindEntityType(typeof(Charge))!.FindProperty(nameof(Charge.CreatedAt))!.GetTypeMapping().Converter;
        object Store(DateTimeOffset t) => converter?.ConvertToProvider(t) ?? t;

        var args = new List<object> { Store(origin) };
        string bucket;
        var provider = db.Database.ProviderName ?? "";
        if (provider.Contains("Sqlite", StringComparison.Ordinal))
        {
            args.Add((long)Store(origin.AddDays(1)) - (long)Store(origin));
            bucket = "((\"CreatedAt\" - {0}) / {1})";
        }
        else if (provider.Contains("Npgsql", StringComparison.Ordinal))
        {
            bucket = "CAST(FLOOR(EXTRACT(EPOCH FROM (\"CreatedAt\" - {0})) / 86400) AS bigint)";
        }
        else
        {
            bucket = "(DATEDIFF_BIG(second, {0}, \"CreatedAt\") / 86400)";
        }

        var where = "\"CreatedAt\" >= {0} AND \"IsTest\" = {" + args.Count + "}";
        args.Add(test);
        if (userId is not null)
        {
            where += " AND \"UserId\" = {" + args.Count + "}";
            args.Add(userId);
        }
        // Bucket in a derived table, group outside it: no engine has to match a parameterised expression across clauses.
        var sql =
            "SELECT c.\"Day\", c.\"Product\", c.\"Status\", CAST(COUNT(*) AS bigint) AS \"Calls\", CAST(SUM(c.\"PriceFen\") AS bigint) AS \"Fen\" " +
            $"FROM (SELECT {bucket} AS \"Day\", \"Product\", \"Status\", \"PriceFen\" FROM \"Charges\" WHERE {where}) c " +
            "GROUP BY c.\"Day\", c.\"Product\", c.\"Status\"";
        return db.Database.SqlQueryRaw<UsageGroup>(sql, [.. args]).ToListAsync(ct);
    }
}
