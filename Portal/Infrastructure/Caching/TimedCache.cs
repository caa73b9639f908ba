using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Portal.Infrastructure.Caching;

/// <summary>Configuration section <c>Caching</c>.</summary>
public sealed class CachingOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Caching";

    /// <summary>
    /// How long an in-memory copy of a database fact (an API token, a price, a mini-program, a short link's target) is
    /// used before it is read again. A change made through this instance takes effect here at once; another instance
    /// sees it within this time. Default 5 seconds.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan EntryLifetime { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// A small in-memory map whose entries expire after <see cref="CachingOptions.EntryLifetime"/> (or their own
/// lifetime), for facts the hot path reads on every request. Reading never blocks; two requests that miss at once
/// both load, and the last one stays.
/// </summary>
/// <typeparam name="TKey">Key.</typeparam>
/// <typeparam name="TValue">Value (immutable).</typeparam>
public sealed class TimedCache<TKey, TValue> where TKey : notnull
{
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<TKey, (TValue Value, long ExpiresAt)> _entries = new();
    private readonly long _lifetimeTicks;
    private readonly int _maxEntries;

    /// <summary>A cache whose entries live <see cref="CachingOptions.EntryLifetime"/>.</summary>
    public TimedCache(TimeProvider time, IOptions<CachingOptions> options) : this(time, options.Value.EntryLifetime) { }

    /// <summary>A cache whose entries live at most <paramref name="lifetime"/>, holding at most <paramref name="maxEntries"/>.</summary>
    public TimedCache(TimeProvider time, TimeSpan lifetime, int maxEntries = DefaultMaxEntries)
    {
        this.time = time;
        _lifetimeTicks = (long)(lifetime.TotalSeconds * time.TimestampFrequency);
        _maxEntries = maxEntries;
    }

    /// <summary>The live value for <paramref name="key"/>, if any.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetTimestamp())
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Stores <paramref name="value"/> for the configured lifetime (or <paramref name="lifetime"/> when shorter).</summary>
    public void Set(TKey key, TValue value, TimeSpan? lifetime = null)
    {
        var ticks = lifetime is { } l ? Math.Min(_lifetimeTicks, (long)(l.TotalSeconds * time.TimestampFrequency)) : _lifetimeTicks;
        if (ticks <= 0) return;
        _entries[key] = (value, time.GetTimestamp() + ticks);
        if (_entries.Count > _maxEntries) Trim();
    }

    /// <summary>The cached value, or <paramref name="load"/>'s (cached unless null).</summary>
    public async ValueTask<TValue> GetOrLoadAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        if (TryGet(key, out var value)) return value;
        value = await load(key, ct);
        if (value is not null) Set(key, value);
        return value;
    }

    /// <summary>Drops <paramref name="key"/>.</summary>
    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    /// <summary>Drops every entry matching <paramref name="predicate"/> (a scan: for rare changes).</summary>
    public void RemoveWhere(Func<TKey, TValue, bool> predicate)
    {
        foreach (var (key, entry) in _entries)
            if (predicate(key, entry.Value)) _entries.TryRemove(key, out _);
    }

    /// <summary>Drops everything.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Default most entries kept; past it the expired ones are dropped, then everything if still too many.</summary>
    public const int DefaultMaxEntries = 100_000;

    private void Trim()
    {
        var now = time.GetTimestamp();
        foreach (var (key, entry) in _entries)
            if (entry.ExpiresAt <= now) _entries.TryRemove(key, out _);
        if (_entries.Count > _maxEntries) _entries.Clear();
    }
}
