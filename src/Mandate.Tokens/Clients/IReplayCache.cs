using System.Collections.Concurrent;

namespace Mandate.Tokens.Clients;

/// <summary>Remembers one-time identifiers (assertion <c>jti</c>s) until they expire.</summary>
public interface IReplayCache
{
    /// <summary>Records <paramref name="key"/> until <paramref name="expiresAt"/>; false when it was already seen.</summary>
    bool TryUse(string key, DateTimeOffset expiresAt);
}

/// <summary>An in-process replay cache; entries are swept as they expire.</summary>
public sealed class InMemoryReplayCache(TimeProvider time) : IReplayCache
{
    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private int _uses;

    /// <inheritdoc />
    public bool TryUse(string key, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _uses) % SweepEvery == 0)
        {
            foreach (var (seenKey, until) in _seen)
            {
                if (until <= now)
                {
                    _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(seenKey, until));
                }
            }
        }

        if (_seen.TryAdd(key, expiresAt))
        {
            return true;
        }

        // An expired entry not yet swept no longer protects anything: but an assertion past its exp is
        // refused before it gets here, so a hit is always a replay.
        return false;
    }
}
