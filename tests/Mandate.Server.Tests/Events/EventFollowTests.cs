using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Server.Events;
using Mandate.Storage.Sqlite;

namespace Mandate.Server.Tests.Events;

/// <summary>A follower with a rare filter reads each stored event once, not everything since its last match on every commit.</summary>
public sealed class EventFollowTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mandate-follow-" + Guid.NewGuid().ToString("n"));
    private SqliteMandateStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteMandateStore.OpenAsync(_directory);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Follow_AfterAPageWithNoMatch_ResumesFromTheHeadItSaw_NotFromTheLastMatch()
    {
        for (var i = 0; i < 3; i++)
        {
            await _store.Events.AppendAsync([Event("decision.evaluated", EventOutcome.Success, i)]);
        }

        var events = new RecordingEvents(_store.Events);
        var commits = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var wakes = 0;
        using var stop = new CancellationTokenSource();
        var query = new EventQuery { Type = "decision.evaluated", Outcome = EventOutcome.Failure };
        await using var stream = EventEndpoints.StreamAsync(events, _store.Audit, () => commits[Math.Min(wakes++, 1)].Task, query, stop.Token)
            .GetAsyncEnumerator(stop.Token);

        var next = stream.MoveNextAsync().AsTask();
        await events.Queried(1);
        await _store.Events.AppendAsync([Event("decision.evaluated", EventOutcome.Failure, 3)]);
        commits[0].SetResult();

        Assert.True(await next);
        Assert.Equal(4, stream.Current.Data.Sequence);
        Assert.Equal([0L, 3L], events.After);
    }

    private static MandateEvent Event(string type, EventOutcome outcome, int i) => new()
    {
        Id = $"evt-{i}",
        Time = new DateTimeOffset(2026, 11, 20, 10, 0, i, TimeSpan.Zero),
        Category = EventCategory.Authorization,
        Type = type,
        Outcome = outcome,
        Source = "test",
    };

    /// <summary>Records the cursor of every query and lets the test await the n-th.</summary>
    private sealed class RecordingEvents(IEventStore inner) : IEventStore
    {
        private readonly List<TaskCompletionSource> _queried = [.. Enumerable.Range(0, 8).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];

        public List<long> After { get; } = [];

        public Task Queried(int count) => _queried[count - 1].Task;

        public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(events, cancellationToken);

        public Task<long> AppendAsync(EncodedEvents events, CancellationToken cancellationToken = default) => inner.AppendAsync(events, cancellationToken);

        public async Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default)
        {
            lock (After)
            {
                After.Add(query.AfterSequence);
            }

            var page = await inner.QueryAsync(query, limit, cancellationToken);
            _queried[After.Count - 1].TrySetResult();
            return page;
        }
    }
}
