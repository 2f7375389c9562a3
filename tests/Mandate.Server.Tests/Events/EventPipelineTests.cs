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
        Assert.True(stored[0].Sequence > 0);
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

        Assert.Equal("evt_last", Assert.Single(Assert.Single(store.Appends)).Id);
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

    private static MandateEvent Event(string id) => new()
    {
        Id = id,
        Time = DateTimeOffset.UnixEpoch,
        Category = EventCategory.Authorization,
        Type = "decision.evaluated",
        Outcome = EventOutcome.Success,
    };

    /// <summary>Numbers and keeps every append it is given, in order.</summary>
    private sealed class RecordingStore : IEventStore
    {
        private readonly Lock _gate = new();
        private readonly List<IReadOnlyList<MandateEvent>> _appends = [];
        private long _sequence;

        public IReadOnlyList<IReadOnlyList<MandateEvent>> Appends
        {
            get
            {
                lock (_gate)
                {
                    return [.. _appends];
                }
            }
        }

        public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                var stored = events.Select(e => e with { Sequence = ++_sequence }).ToList();
                _appends.Add(stored);
                return Task.FromResult<IReadOnlyList<MandateEvent>>(stored);
            }
        }

        public Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the pipeline only appends");
    }
}
