using Microsoft.Extensions.Options;

namespace Portal.Features.Billing.Ledger;

/// <summary>Configuration section <c>Counters</c>.</summary>
public sealed class CounterOptions
{
    /// <summary>Section name.</summary>
    public const string Section = "Counters";

    /// <summary>
    /// How often token last-use times and link visit counts gathered in memory are written. A crash loses at most
    /// this much of them; a clean stop loses nothing. Default 1 second.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Counters that would cost a write per request — a token's last use, a link's visits — gathered in memory and
/// written by the ledger writer every <see cref="CounterOptions.FlushInterval"/> and when the process stops.
/// </summary>
public sealed class CoalescedCounters(LedgerWriter writer)
{
    private readonly Lock _gate = new();
    private Dictionary<Guid, TokenUse> _tokens = [];
    private Dictionary<string, (long Count, DateTimeOffset LastAt)> _shortLinks = [];
    private Dictionary<string, (long Count, DateTimeOffset LastAt)> _miniProgramLinks = [];
    private Dictionary<VisitStatKey, long> _visitStats = [];
    private Dictionary<string, (long Count, DateTimeOffset LastAt)>? _shortLinksInFlight;
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Records that token <paramref name="tokenId"/> was used at <paramref name="at"/> from <paramref name="ip"/>.</summary>
    public void TokenUsed(Guid tokenId, DateTimeOffset at, string? ip)
    {
        lock (_gate) _tokens[tokenId] = new TokenUse(tokenId, at, ip);
    }

    /// <summary>Counts one visit of short link <paramref name="code"/>.</summary>
    public void ShortLinkVisited(string code, DateTimeOffset at)
    {
        lock (_gate) Count(_shortLinks, code, 1, at);
    }

    /// <summary>Most distinct (link, day, referrer host, device) rows gathered between two writes; past it, new referrer hosts are counted as <see cref="Links.ShortLinkVisitDetail.OtherHost"/>.</summary>
    public const int MaxVisitStatRows = 10_000;

    /// <summary>
    /// Counts one visit of short link <paramref name="code"/> and adds it to the link's statistics of the UTC day of
    /// <paramref name="at"/>, <paramref name="referrerHost"/> (empty for none) and <paramref name="device"/>.
    /// </summary>
    public void ShortLinkVisited(string code, DateTimeOffset at, string referrerHost, Links.VisitorDevice device)
    {
        var key = new VisitStatKey(code, Infrastructure.DayKey.Of(at), referrerHost, device);
        lock (_gate)
        {
            Count(_shortLinks, code, 1, at);
            // A flood of made-up Referer hosts must not grow memory without bound: past the cap they share one row.
            if (_visitStats.Count >= MaxVisitStatRows && !_visitStats.ContainsKey(key)) key = key with { ReferrerHost = Links.ShortLinkVisitDetail.OtherHost };
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_visitStats, key, out _)++;
        }
    }

    /// <summary>Counts one visit of mini-program link <paramref name="code"/>.</summary>
    public void MiniProgramLinkVisited(string code, DateTimeOffset at)
    {
        lock (_gate) Count(_miniProgramLinks, code, 1, at);
    }

    /// <summary>Visits of short link <paramref name="code"/> not written yet (including those being written right now).</summary>
    public long PendingShortLinkVisits(string code)
    {
        lock (_gate)
        {
            var pending = _shortLinks.TryGetValue(code, out var v) ? v.Count : 0;
            if (_shortLinksInFlight is { } inFlight && inFlight.TryGetValue(code, out var w)) pending += w.Count;
            return pending;
        }
    }

    private static void Count(Dictionary<string, (long Count, DateTimeOffset LastAt)> map, string code, long n, DateTimeOffset at)
    {
        ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(map, code, out _);
        entry = (entry.Count + n, at > entry.LastAt ? at : entry.LastAt);
    }

    /// <summary>
    /// Writes everything gathered so far in one ledger operation, rows in one order (token id, link code, statistics key) so that
    /// instances flushing the same rows at the same moment queue behind each other instead of deadlocking. When the
    /// write fails or is refused, the counts are put back for the next flush.
    /// </summary>
    /// <returns>True when there was something to write and it was written.</returns>
    public async Task<bool> FlushAsync()
    {
        await _flushing.WaitAsync();
        try
        {
            Dictionary<Guid, TokenUse> tokens;
            Dictionary<string, (long Count, DateTimeOffset LastAt)> shortLinks, miniProgramLinks;
            Dictionary<VisitStatKey, long> visitStats;
            lock (_gate)
            {
                if (_tokens.Count == 0 && _shortLinks.Count == 0 && _miniProgramLinks.Count == 0) return false;
                (tokens, _tokens) = (_tokens, []);
                (shortLinks, _shortLinks) = (_shortLinks, []);
                _shortLinksInFlight = shortLinks;
                (miniProgramLinks, _miniProgramLinks) = (_miniProgramLinks, []);
                (visitStats, _visitStats) = (_visitStats, []);
            }
            try
            {
                var stats = visitStats
                    .OrderBy(kv => kv.Key.Code, StringComparer.Ordinal).ThenBy(kv => kv.Key.Day)
                    .ThenBy(kv => kv.Key.ReferrerHost, StringComparer.Ordinal).ThenBy(kv => kv.Key.Device)
                    .Select(kv => new VisitStatCount(kv.Key, kv.Value)).ToList();
                var written = await writer.SubmitAsync(new FlushCountersOp(tokens.Values.OrderBy(t => t.TokenId).ToList(), Visits(shortLinks), Visits(miniProgramLinks), stats));
                if (!written) PutBack(tokens, shortLinks, miniProgramLinks, visitStats);
                return written;
            }
            catch (Exception)
            {
                PutBack(tokens, shortLinks, miniProgramLinks, visitStats);
                throw;
            }
        }
        finally
        {
            lock (_gate) _shortLinksInFlight = null;
            _flushing.Release();
        }
    }

    private void PutBack(Dictionary<Guid, TokenUse> tokens, Dictionary<string, (long Count, DateTimeOffset LastAt)> shortLinks,
        Dictionary<string, (long Count, DateTimeOffset LastAt)> miniProgramLinks, Dictionary<VisitStatKey, long> visitStats)
    {
        lock (_gate)
        {
            foreach (var (id, use) in tokens) _tokens.TryAdd(id, use);
            foreach (var (code, v) in shortLinks) Count(_shortLinks, code, v.Count, v.LastAt);
            foreach (var (code, v) in miniProgramLinks) Count(_miniProgramLinks, code, v.Count, v.LastAt);
            foreach (var (key, n) in visitStats) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_visitStats, key, out _) += n;
        }
    }

    private static List<LinkVisits> Visits(Dictionary<string, (long Count, DateTimeOffset LastAt)> map) =>
        map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new LinkVisits(kv.Key, kv.Value.Count, kv.Value.LastAt)).ToList();
}

/// <summary>Flushes <see cref="CoalescedCounters"/> on its interval and once more when the host stops.</summary>
internal sealed class CounterFlushService(CoalescedCounters counters, IOptions<CounterOptions> options, ILogger<CounterFlushService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last write has no next flush to fall back on: a failed batch (e.g. the database restarting) is tried again.
        for (var attempt = 1; attempt <= 3 && !await FlushAsync(); attempt++) await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
    }

    /// <summary>One flush; false when it failed (the counts are kept).</summary>
    private async Task<bool> FlushAsync()
    {
        try
        {
            await counters.FlushAsync();
            return true;
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Writing coalesced counters failed; they are kept for the next flush");
            return false;
        }
    }
}
