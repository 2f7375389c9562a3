using Mandate.Tokens.Clients;

namespace Mandate.Tokens.Tests.Clients;

public sealed class ReplayCacheTests
{
    [Fact]
    public void AKeyIsUsableOnce_AndExpiredKeysAreSweptOnlyAfterTheInterval()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cache = new InMemoryReplayCache(clock);

        Assert.True(cache.TryUse("a", clock.Now.AddSeconds(5)));
        Assert.False(cache.TryUse("a", clock.Now.AddSeconds(5)));
        Assert.True(cache.TryUse("long", clock.Now.AddHours(24)));

        clock.Now += TimeSpan.FromSeconds(6);
        Assert.True(cache.TryUse("b", clock.Now.AddSeconds(5)));
        Assert.Equal(3, cache.Count);

        clock.Now += InMemoryReplayCache.SweepInterval;
        Assert.True(cache.TryUse("c", clock.Now.AddSeconds(5)));
        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryUse("long", clock.Now.AddHours(24)));
    }
}
