using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Portal.Features.Billing;

/// <summary>
/// In-process notification of a user's new balance after the ledger committed a change to it (a debit, a refund, an
/// adjustment, a redemption), so an open portal page (the app bar's balance chip) follows API spending without a reload
/// and without polling the database. <see cref="BillingLedger"/> publishes the balance its own statement returned; a
/// user nobody watches costs one dictionary look-up. Other instances do not hear these: a page served by another
/// instance shows the new balance on its next read.
/// </summary>
/// <remarks>
/// Concurrent calls of one user may finish out of order, so a watcher can briefly see an older figure; the next change
/// or any page load corrects it. Handlers run on the publisher's thread and must return at once (marshal to the UI).
/// </remarks>
public sealed class BalanceFeed
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Action<long>>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="onBalance"/> with the balance in fen after each committed change of <paramref name="userId"/>'s balance.</summary>
    /// <returns>Disposing it stops the calls.</returns>
    public IDisposable Watch(string userId, Action<long> onBalance)
    {
        _watchers.AddOrUpdate(userId, _ => [onBalance], (_, list) => list.Add(onBalance));
        return new Subscription(this, userId, onBalance);
    }

    /// <summary>Tells the watchers of <paramref name="userId"/> the balance (fen) a committed change left.</summary>
    public void Publish(string userId, long balanceFen)
    {
        if (!_watchers.TryGetValue(userId, out var list)) return;
        foreach (var handler in list) handler(balanceFen);
    }

    /// <summary>Users with at least one watcher (for tests and diagnostics).</summary>
    public int WatchedUsers => _watchers.Count;

    private void Unwatch(string userId, Action<long> onBalance)
    {
        while (_watchers.TryGetValue(userId, out var list))
        {
            var rest = list.Remove(onBalance);
            var done = rest.IsEmpty
                ? _watchers.TryRemove(new KeyValuePair<string, ImmutableArray<Action<long>>>(userId, list))
                : _watchers.TryUpdate(userId, rest, list);
            if (done) return;
        }
    }

    private sealed class Subscription(BalanceFeed feed, string userId, Action<long> onBalance) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feed.Unwatch(userId, onBalance);
        }
    }
}
