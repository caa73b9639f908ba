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
    public IDisposable Watch(string userId, Action<long> onBalance) => Watch(userId, false, onBalance);

    /// <summary>As <see cref="Watch(string, Action{long})"/>, for the live or the test-mode (<paramref name="test"/>) balance.</summary>
    public IDisposable Watch(string userId, bool test, Action<long> onBalance)
    {
        userId = Key(userId, test);
        _watchers.AddOrUpdate(userId, _ => [onBalance], (_, list) => list.Add(onBalance));
        return new Subscription(this, userId, onBalance);
    }

    /// <summary>Tells the watchers of <paramref name="userId"/> the balance (fen) a committed change left.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="balanceFen">The balance after the change, in fen.</param>
    /// <param name="test">True when it is the test-mode balance that changed.</param>
    public void Publish(string userId, long balanceFen, bool test = false)
    {
        if (!_watchers.TryGetValue(Key(userId, test), out var list)) return;
        foreach (var handler in list) handler(balanceFen);
    }

    /// <summary>Users with at least one watcher (for tests and diagnostics).</summary>
    public int WatchedUsers => _watchers.Count;

    // User ids never contain a space, so the test key cannot name another user's live balance.
    private static string Key(string userId, bool test) => test ? "test " + userId : userId;

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
