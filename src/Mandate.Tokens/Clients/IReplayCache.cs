using System.Collections.Concurrent;

namespace Mandate.Tokens.Clients;

/// <summary>Remembers one-time identifiers (assertion and proof <c>jti</c>s) until they expire.</summary>
public interface IReplayCache
{
    /// <summary>Records <paramref name="key"/> until <paramref name="expiresAt"/>; false when it was already seen.</summary>
    bool TryUse(string key, DateTimeOffset expiresAt);
}

/// <summary>
/// An in-process replay cache. A use is one dictionary insert; expired entries are swept at most every
/// <see cref="SweepInterval"/> by whichever caller crosses it, never by two at once, so the cost of sweeping is
/// spread over every use in the interval instead of falling on each one.
/// </summary>
public sealed class InMemoryReplayCache(TimeProvider time) : IReplayCache
{
    /// <summary>Least time between two sweeps of expired entries.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextSweepTicks;
    private int _sweeping;

    /// <summary>Entries held, expired or not (for tests and metrics).</summary>
    public int Count => _seen.Count;

    /// <inheritdoc />
    public bool TryUse(string key, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        if (now.UtcTicks >= Interlocked.Read(ref _nextSweepTicks) && Interlocked.CompareExchange(ref _sweeping, 1, 0) == 0)
        {
            try
            {
                Interlocked.Exchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks);
                Sweep(now);
            }
            finally
            {
                Volatile.Write(ref _sweeping, 0);
            }
        }

        // An expired entry not yet swept still refuses its key: harmless, since every caller refuses an expired
        // assertion or proof before it gets here.
        return _seen.TryAdd(key, expiresAt);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, until) in _seen)
        {
            if (until <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }
    }
}
