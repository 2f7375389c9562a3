using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Server.Tests.Events;

/// <summary>
/// The pipeline's linger: a trickle of emitted events waits for company before it is written, but nothing that a caller
/// waits on is held by it, neither a durable append nor closing the pipeline.
/// </summary>
public sealed class EventPipelineTests
{
    // Longer than any test may run: if the linger were not ended, the test would time out rather than pass.
    private static readonly EventPipelineOptions Patient = new() { Linger = TimeSpan.FromHours(1) };

    [Fact(Timeout = 30_000)]
    public async Task EmittedEvents_WaitForCompany_AndADurableAppendTakesThemAlong()
    {
        var store = new RecordingStore();
        await using var pipeline = new EventPipeline(store, Patient, NullLogger<EventPipeline>.Instance);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(pipeline.Emit(Event($"evt_emitted_{i}")));
        }

        // Held: fewer than half a batch is queued and nobody waits for them.
        await Task.Delay(100);
        Assert.Equal(0, pipeline.Written);
        Assert.Empty(store.Appends);

        var stored = await pipeline.AppendDurableAsync([Event("evt_durable")]);

        Assert.Equal("evt_durable", Assert.Single(stored).Id);
        Assert.Equal(51, stored[0].Sequence);
        Assert.Equal(51, store.Appends.Sum(a => a.Count));
        Assert.Equal(51, pipeline.Written);
    }

    [Fact(Timeout = 30_000)]
    public async Task ClosingThePipeline_WritesWhatItHeld()
    {
        var store = new RecordingStore();
        var pipeline = new EventPipeline(store, Patient, NullLogger<EventPipeline>.Instance);
        Assert.True(pipeline.Emit(Event("evt_last")));

        await pipeline.DisposeAsync();

        Assert.Equal("evt_last", Assert.Single(Assert.Single(store.Appends)));
        Assert.Equal(1, pipeline.Written);
        Assert.Equal(0, pipeline.Dropped);
    }

    [Fact(Timeout = 30_000)]
    public async Task WithoutALinger_EachEventIsWrittenAsItComes()
    {
        var store = new RecordingStore();
        await using var pipeline = new EventPipeline(store, new EventPipelineOptions { Linger = TimeSpan.Zero }, NullLogger<EventPipeline>.Instance);
        for (var i = 0; i < 3; i++)
        {
            var appended = pipeline.NextAppend;
            Assert.True(pipeline.Emit(Event($"evt_{i}")));
            await appended;
        }

        Assert.Equal(3, store.Appends.Count);
        Assert.Equal(3, pipeline.Written);
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAppendWithoutIdsOrWithARepeatedOne_IsRefusedAtOnce()
    {
        var store = new RecordingStore();
        await using var pipeline = new EventPipeline(store, Patient, NullLogger<EventPipeline>.Instance);

        var unnamed = await Assert.ThrowsAsync<MandateException>(() => pipeline.AppendDurableAsync([Event("")]));
        var repeated = await Assert.ThrowsAsync<MandateException>(() => pipeline.AppendDurableAsync([Event("evt_a"), Event("evt_b"), Event("evt_a")]));

        Assert.Equal(ErrorCode.InvalidArgument, unnamed.Code);
        Assert.Equal(ErrorCode.Conflict, repeated.Code);
        Assert.Contains("`evt_a`", repeated.Message, StringComparison.Ordinal);
        Assert.Empty(store.Appends);
    }

    [Fact(Timeout = 30_000)]
    public async Task TwoCallersReusingAnId_InOneBatch_AreWrittenApart_WithTheEmittedEvents()
    {
        // The first append is held in the store, so everything queued meanwhile forms the next batch: an emitted event
        // and two durable appends that share an event id. The store refuses that batch; the pipeline writes its parts
        // on their own, and every one of them is stored.
        var store = new RecordingStore { Hold = new TaskCompletionSource() };
        await using var pipeline = new EventPipeline(store, new EventPipelineOptions { Linger = TimeSpan.Zero, MaxBatchesInFlight = 1 }, NullLogger<EventPipeline>.Instance);
        Assert.True(pipeline.Emit(Event("evt_first")));
        await store.Holding.Task;

        Assert.True(pipeline.Emit(Event("evt_emitted")));
        var first = pipeline.AppendDurableAsync([Event("evt_shared"), Event("evt_one")]);
        var second = pipeline.AppendDurableAsync([Event("evt_shared")]);
        store.Hold.SetResult();

        var (one, two) = (await first, await second);
        Assert.Equal(["evt_shared", "evt_one"], one.Select(e => e.Id));
        Assert.Equal("evt_shared", Assert.Single(two).Id);
        var appends = store.Appends;
        Assert.Equal(4, appends.Count);
        Assert.Equal(["evt_first"], appends[0]);
        Assert.Equal(["evt_emitted"], appends[1]);
        Assert.Equal(["evt_shared", "evt_one"], appends[2]);
        Assert.Equal(["evt_shared"], appends[3]);
        Assert.Equal([3, 4], one.Select(e => e.Sequence));
        Assert.Equal(5, two[0].Sequence);
        Assert.Equal(5, pipeline.Written);
        Assert.Equal(0, pipeline.Dropped);
    }

    [Fact(Timeout = 30_000)]
    public async Task AProducerThatCanWait_WaitsWhileHalfTheQueueIsFull_AndGoesOnOnceTheWriterTakesIt()
    {
        var store = new RecordingStore { Hold = new TaskCompletionSource() };
        await using var pipeline = new EventPipeline(store, new EventPipelineOptions { Capacity = 10, Linger = TimeSpan.Zero, MaxBatchesInFlight = 1 }, NullLogger<EventPipeline>.Instance);
        Assert.True(pipeline.Emit(Event("evt_held")));
        await store.Holding.Task;
        for (var i = 0; i < 4; i++)
        {
            Assert.True(pipeline.Emit(Event($"evt_{i}")));
        }

        Assert.True(pipeline.WaitForRoomAsync().AsTask().IsCompletedSuccessfully);
        Assert.True(pipeline.Emit(Event("evt_4")));
        var room = pipeline.WaitForRoomAsync().AsTask();
        await Task.Delay(50);
        Assert.False(room.IsCompleted);

        store.Hold.SetResult();
        await room;
        Assert.Equal(0, pipeline.Dropped);
    }

    [Fact(Timeout = 30_000)]
    public async Task AGroupOfEncodedEvents_IsQueuedAsFarAsThereIsRoom_AndTheRestIsCounted()
    {
        var store = new RecordingStore { Hold = new TaskCompletionSource() };
        await using var pipeline = new EventPipeline(store, new EventPipelineOptions { Capacity = 10, MaxBatchSize = 4, Linger = TimeSpan.Zero, MaxBatchesInFlight = 1 }, NullLogger<EventPipeline>.Instance);
        Assert.True(pipeline.Emit(Event("evt_held")));
        await store.Holding.Task;
        using var group = new EncodedEvents();
        for (var i = 0; i < 12; i++)
        {
            group.Add(Event($"evt_{i}"));
        }

        Assert.Equal(10, pipeline.Emit(group));
        Assert.Equal(2, pipeline.Dropped);

        var appended = pipeline.NextAppend;
        store.Hold.SetResult();
        while (pipeline.Written < 11)
        {
            await appended;
            appended = pipeline.NextAppend;
        }

        Assert.Equal(["evt_held", "evt_0", "evt_1", "evt_2", "evt_3", "evt_4", "evt_5", "evt_6", "evt_7", "evt_8", "evt_9"], store.Appends.SelectMany(a => a));
        Assert.All(store.Appends, a => Assert.InRange(a.Count, 1, 4));
    }

    private static MandateEvent Event(string id) => new()
    {
        Id = id,
        Time = DateTimeOffset.UnixEpoch,
        Category = EventCategory.Authorization,
        Type = "decision.evaluated",
        Outcome = EventOutcome.Success,
    };

    /// <summary>Numbers and keeps the ids of every append it is given, in order, refusing a batch that repeats an id as a store does.</summary>
    private sealed class RecordingStore : IEventStore
    {
        private readonly Lock _gate = new();
        private readonly List<IReadOnlyList<string>> _appends = [];
        private long _sequence;

        /// <summary>When set, the first append waits for it (after completing <see cref="Holding"/>).</summary>
        public TaskCompletionSource? Hold { get; init; }

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<IReadOnlyList<string>> Appends
        {
            get
            {
                lock (_gate)
                {
                    return [.. _appends];
                }
            }
        }

        public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the pipeline appends encoded events");

        public async Task<long> AppendAsync(EncodedEvents events, CancellationToken cancellationToken = default)
        {
            if (Hold is { } hold && Holding.TrySetResult())
            {
                await hold.Task;
            }

            events.RefuseRepeatedIds();
            lock (_gate)
            {
                _appends.Add([.. Enumerable.Range(0, events.Count).Select(events.IdText)]);
                var first = _sequence + 1;
                _sequence += events.Count;
                return first;
            }
        }

        public Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the pipeline only appends");
    }
}
