using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Caching;
using Portal.Infrastructure.Persistence;

namespace Portal.Features.Billing;

/// <summary>
/// Product prices in memory, so a billed call reads none from the database: the whole (small) price table is loaded
/// at once and kept for <see cref="CachingOptions.EntryLifetime"/>; a price set through this instance applies at once.
/// </summary>
public sealed class PriceCache
{
    /// <summary>The <see cref="ChangeFeed"/> topic published with the product code after a price change.</summary>
    public const string Topic = "price";

    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimedCache<int, IReadOnlyDictionary<string, long>> _table;
    private readonly ChangeFeed _changes;

    /// <summary>Creates the cache and subscribes to price changes.</summary>
    public PriceCache(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, Microsoft.Extensions.Options.IOptions<CachingOptions> options, ChangeFeed changes)
    {
        _dbFactory = dbFactory;
        _changes = changes;
        _table = new TimedCache<int, IReadOnlyDictionary<string, long>>(time, options);
        changes.Subscribe((topic, _) => { if (topic == Topic) _table.Clear(); });
    }

    /// <summary>The current price of <paramref name="product"/> in fen (its default when no admin has set one).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown product.</exception>
    public async ValueTask<long> PriceFenAsync(string product, CancellationToken ct)
    {
        var table = await _table.GetOrLoadAsync(0, LoadAsync, ct);
        if (table.TryGetValue(product, out var price)) return price;
        return BillableProducts.DefaultPriceFenOf(product) ?? throw new ArgumentOutOfRangeException(nameof(product), product, "unknown product");
    }

    /// <summary>Tells this instance's caches that <paramref name="product"/>'s price changed.</summary>
    public void Changed(string product) => _changes.Publish(Topic, product);

    private async Task<IReadOnlyDictionary<string, long>> LoadAsync(int _, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.ProductPrices.AsNoTracking().ToDictionaryAsync(p => p.Product, p => p.PriceFen, ct);
    }
}
