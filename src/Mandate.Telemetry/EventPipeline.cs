using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Telemetry;

/// <summary>
/// Bounded, batching pipeline from producers to the event store: one writer hands whatever has accumulated to the store
/// as one append (group commit). Events are encoded to their canonical lines as they arrive, on the producer's thread,
/// into batches the pipeline reuses, so what waits for a commit is bytes in long-lived buffers rather than objects the
/// collector must trace and copy. Internal producers never wait (<see cref="Emit(MandateEvent)"/> drops and counts when full); ingest
/// callers wait for room and for their events to be durable (<see cref="AppendDurableAsync"/>), sharing transactions
/// with everything else in flight.
/// </summary>
public sealed partial class EventPipeline : IEventSink, IAsyncDisposable
{
    // Each producer thread encodes into a batch of its own, outside the lock, and copies the bytes in under it.
    [ThreadStatic]
    private static EncodedEvents? t_scratch;

    private readonly Lock _gate = new();
    private readonly Queue<Batch> _full = new();
    private readonly Stack<Batch> _spare = new();
    private readonly IEventStore _store;
    private readonly EventPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private Batch _open;
    private int _pending;
    private bool _closing;
    private TaskCompletionSource? _wake;
    private TaskCompletionSource? _room;
    private long _dropped;
    private long _written;
    private long _waiting;
    private TaskCompletionSource _appended = NewSignal();
    private CancellationTokenSource? _linger;

    /// <summary>Starts the pipeline's writer over <paramref name="store"/>.</summary>
    public EventPipeline(IEventStore store, EventPipelineOptions options, ILogger<EventPipeline> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _open = new Batch(options.MaxBatchSize);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Events refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events durably written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events waiting to be handed to the store.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Most events held before new ones are dropped.</summary>
    public int Capacity => _options.Capacity;

    /// <summary>Durable appends (ingest calls) waiting for room or for their events to be stored: backpressure on producers.</summary>
    public long WaitingAppends => Interlocked.Read(ref _waiting);

    /// <summary>
    /// Completes when the next batch has been written. Followers take it before reading, then await it
    /// when the read found nothing, so no append between the two is missed.
    /// </summary>
    public Task NextAppend => Volatile.Read(ref _appended).Task;

    /// <inheritdoc />
    public bool Emit(MandateEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return Emit(EventFields.Of(evt));
    }

    /// <inheritdoc />
    public bool Emit(in EventFields fields)
    {
        var scratch = t_scratch ??= new EncodedEvents();
        scratch.Clear();
        try
        {
            scratch.Add(fields);
        }
        catch (MandateException ex)
        {
            // An event without an id is a producer's bug; the producer's own work must not fail for it.
            Interlocked.Increment(ref _dropped);
            LogUnstorable(ex, fields.Type);
            return false;
        }

        return Emit(scratch) == 1;
    }

    /// <summary>
    /// Queues events already encoded (a group of decisions recorded together), as many as there is room for, under one
    /// lock; the rest are dropped and counted. Returns how many were queued.
    /// </summary>
    public int Emit(EncodedEvents events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        int queued;
        TaskCompletionSource? wake;
        lock (_gate)
        {
            queued = _closing ? 0 : Math.Clamp(_options.Capacity - _pending, 0, events.Count);
            for (var start = 0; start < queued;)
            {
                // Fill the open batch up to its size, then the next, as single events would.
                var batch = OpenBatch();
                var count = Math.Min(queued - start, Math.Max(_options.MaxBatchSize - batch.Events.Count, 1));
                batch.Events.AddRange(events, start, count);
                start += count;
            }

            _pending += queued;
            wake = queued > 0 ? TakeSignal(ref _wake) : null;
        }

        wake?.TrySetResult();
        if (queued < events.Count)
        {
            Interlocked.Add(ref _dropped, events.Count - queued);
        }

        return queued;
    }

    /// <summary>
    /// Queues <paramref name="events"/> as one unit, waiting for room rather than dropping, and completes once
    /// they are durably stored (with their sequence numbers), or fails when the store refuses or fails them.
    /// </summary>
    /// <exception cref="MandateException">An event has no id, or two share one.</exception>
    public async Task<IReadOnlyList<MandateEvent>> AppendDurableAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        var ticket = new Ticket(events);
        Interlocked.Increment(ref _waiting);
        try
        {
            using (var encoded = new EncodedEvents(events.Count))
            {
                foreach (var e in events)
                {
                    encoded.Add(e);
                }

                encoded.RefuseRepeatedIds();
                await QueueAsync(ticket, encoded, cancellationToken).ConfigureAwait(false);
            }

            // A caller waits for this append: the writer must not hold its batch back for more events.
            Volatile.Read(ref _linger)?.Cancel();
            return await ticket.Stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Completes at once while fewer than half <see cref="Capacity"/> events wait to be handed to the store, and
    /// otherwise once the writer has taken enough of them. A producer that can wait, such as a request about to make a
    /// burst of decisions, calls it first: under sustained overload it then slows to the pace at which events are
    /// stored, where <see cref="Emit(MandateEvent)"/> alone would drop them. The other half of the queue absorbs what producers already
    /// past this point still emit.
    /// </summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken = default) =>
        Volatile.Read(ref _pending) < _options.Capacity / 2 ? ValueTask.CompletedTask : new ValueTask(WaitForRoomSlowlyAsync(cancellationToken));

    /// <summary>Stops accepting events and writes everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        TaskCompletionSource? wake, room;
        lock (_gate)
        {
            _closing = true;
            wake = TakeSignal(ref _wake);
            room = TakeSignal(ref _room);
        }

        wake?.TrySetResult();
        room?.TrySetResult();

        // A full fence between marking the pipeline closed and looking for a wait to end (see LingerAsync).
        Interlocked.MemoryBarrier();
        Volatile.Read(ref _linger)?.Cancel();
        await _writer.ConfigureAwait(false);
    }

    private async Task WaitForRoomSlowlyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                if (_closing || _pending < _options.Capacity / 2)
                {
                    return;
                }

                room = (_room ??= NewSignal()).Task;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Waits for room (fewer than Capacity events queued), then copies the ticket's events into the open batch.
    private async Task QueueAsync(Ticket ticket, EncodedEvents encoded, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            TaskCompletionSource? wake;
            lock (_gate)
            {
                if (_closing)
                {
                    throw new InvalidOperationException("the event pipeline is closed");
                }

                if (_pending < _options.Capacity)
                {
                    var batch = OpenBatch();
                    batch.Tickets.Add((ticket, batch.Events.Count));
                    batch.Events.AddRange(encoded);
                    _pending += encoded.Count;
                    wake = TakeSignal(ref _wake);
                    room = Task.CompletedTask;
                }
                else
                {
                    wake = null;
                    room = (_room ??= NewSignal()).Task;
                }
            }

            if (room.IsCompleted)
            {
                wake?.TrySetResult();
                return;
            }

            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Under the lock: the batch events go to, after moving a full one to the writer's queue.
    private Batch OpenBatch()
    {
        if (_open.Events.Count >= _options.MaxBatchSize)
        {
            _full.Enqueue(_open);
            _open = _spare.TryPop(out var spare) ? spare : new Batch(_options.MaxBatchSize);
        }

        return _open;
    }

    // Under the lock: the oldest batch with events, or null; the open batch is replaced by an empty one.
    private Batch? TakeBatch()
    {
        Batch? batch = null;
        if (_full.Count > 0)
        {
            batch = _full.Dequeue();
        }
        else if (_open.Events.Count > 0)
        {
            batch = _open;
            _open = _spare.TryPop(out var spare) ? spare : new Batch(_options.MaxBatchSize);
        }

        if (batch is not null)
        {
            _pending -= batch.Events.Count;
        }

        return batch;
    }

    private void Recycle(Batch batch)
    {
        batch.Clear();
        lock (_gate)
        {
            // Enough spares for the batches in flight and the ones filling meanwhile; more would only hold memory.
            if (_spare.Count < _options.MaxBatchesInFlight + 2)
            {
                _spare.Push(batch);
                return;
            }
        }

        batch.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        // Appends are pipelined: the store prepares a batch on this thread and commits it on its own writer, so
        // while one batch commits the next is already being prepared. Results are taken in order.
        var inFlight = new Queue<InFlight>();
        while (true)
        {
            Task? more = null;
            var closing = false;
            lock (_gate)
            {
                if (_full.Count == 0 && _open.Events.Count == 0)
                {
                    closing = _closing;
                    more = closing ? null : (_wake ??= NewSignal()).Task;
                }
            }

            if (closing)
            {
                break;
            }

            if (more is not null)
            {
                // Nothing queued: wait for events, or take the oldest outcome meanwhile.
                if (inFlight.Count > 0 && await Task.WhenAny(more, inFlight.Peek().Append).ConfigureAwait(false) != more)
                {
                    await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
                    continue;
                }

                await more.ConfigureAwait(false);
                continue;
            }

            if (_options.Linger > TimeSpan.Zero && Pending < _options.MaxBatchSize / 2)
            {
                await LingerAsync().ConfigureAwait(false);
            }

            Batch? batch;
            TaskCompletionSource? room;
            lock (_gate)
            {
                batch = TakeBatch();
                room = TakeSignal(ref _room);
            }

            room?.TrySetResult();
            if (batch is null)
            {
                continue;
            }

            inFlight.Enqueue(new InFlight(batch, StartAppend(batch.Events)));
            while (inFlight.Count >= _options.MaxBatchesInFlight)
            {
                await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
            }
        }

        while (inFlight.Count > 0)
        {
            await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
        }
    }

    // Waits up to Linger for more events, unless a durable append is waiting or the pipeline is closing: the wait is
    // published before either is looked at, and an append (or DisposeAsync) marks itself before it looks for a wait to
    // end, both with full fences, so one of the two always sees the other.
    // The source is not disposed: an append may still cancel it after the wait, and with no timer of its own it holds
    // nothing the collector does not reclaim.
    private async Task LingerAsync()
    {
        var linger = new CancellationTokenSource();
        Interlocked.Exchange(ref _linger, linger);
        try
        {
            if (Interlocked.Read(ref _waiting) == 0 && !Volatile.Read(ref _closing))
            {
                await Task.Delay(_options.Linger, linger.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            Volatile.Write(ref _linger, null);
        }
    }

    private Task<long> StartAppend(EncodedEvents events)
    {
        try
        {
            return _store.AppendAsync(events);
        }
        catch (Exception ex)
        {
            return Task.FromException<long>(ex);
        }
    }

    private async Task CompleteAsync(InFlight write)
    {
        try
        {
            Stored(write.Batch, await write.Append.ConfigureAwait(false));
        }
        catch (Exception)
        {
            // Refused or failed: write it again on its own, with retries and per-caller splitting.
            await WriteBatchAsync(write.Batch).ConfigureAwait(false);
        }

        Recycle(write.Batch);
    }

    private void Stored(Batch batch, long first)
    {
        Interlocked.Add(ref _written, batch.Events.Count);
        foreach (var (ticket, start) in batch.Tickets)
        {
            var events = new MandateEvent[ticket.Events.Count];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = ticket.Events[i] with { Sequence = first + start + i };
            }

            ticket.Stored.TrySetResult(events);
        }

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    private async Task WriteBatchAsync(Batch batch)
    {
        // A failing store must not kill the writer: retry with backoff, and count the batch as dropped
        // only once retries are exhausted, so a transient lock never silently loses events. A refusal
        // (bad input) is not retried; ingest callers learn either way, since their batch is all or nothing.
        var tickets = batch.Tickets;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Stored(batch, await _store.AppendAsync(batch.Events).ConfigureAwait(false));
                return;
            }
            catch (MandateException) when (tickets.Count > 1 || (tickets.Count == 1 && batch.Events.Count > tickets[0].Ticket.Events.Count))
            {
                // The store refused the batch (say, two ingest calls reused an event id): write each caller's
                // events on their own, so only the offending call is refused.
                foreach (var part in batch.Split())
                {
                    using (part)
                    {
                        await WriteBatchAsync(part).ConfigureAwait(false);
                    }
                }

                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is not MandateException)
            {
                LogWriteRetry(ex, batch.Events.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Add(ref _dropped, batch.Events.Count);
                LogWriteFailed(ex, batch.Events.Count);
                foreach (var (ticket, _) in tickets)
                {
                    ticket.Stored.TrySetException(ex is MandateException ? ex : new InvalidOperationException("the events could not be stored", ex));
                }

                return;
            }
        }
    }

    private static TaskCompletionSource? TakeSignal(ref TaskCompletionSource? signal)
    {
        var taken = signal;
        signal = null;
        return taken;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A batch handed to the store whose outcome is still to be taken.</summary>
    private sealed record InFlight(Batch Batch, Task<long> Append);

    /// <summary>Encoded events on their way to the store, and the durable appends among them (where each starts).</summary>
    private sealed class Batch(int events) : IDisposable
    {
        public EncodedEvents Events { get; } = new(Math.Min(events, 1024));

        public List<(Ticket Ticket, int Start)> Tickets { get; } = [];

        /// <summary>The batch as separate ones: its emitted events together, then each durable append alone.</summary>
        public IEnumerable<Batch> Split()
        {
            var loose = new Batch(Events.Count);
            var next = 0;
            foreach (var (ticket, start) in Tickets)
            {
                loose.Events.AddRange(Events, next, start - next);
                next = start + ticket.Events.Count;
            }

            loose.Events.AddRange(Events, next, Events.Count - next);
            if (loose.Events.Count > 0)
            {
                yield return loose;
            }
            else
            {
                loose.Dispose();
            }

            foreach (var (ticket, start) in Tickets)
            {
                var alone = new Batch(ticket.Events.Count);
                alone.Events.AddRange(Events, start, ticket.Events.Count);
                alone.Tickets.Add((ticket, 0));
                yield return alone;
            }
        }

        public void Clear()
        {
            Events.Clear();
            Tickets.Clear();
        }

        public void Dispose() => Events.Dispose();
    }

    private sealed class Ticket(IReadOnlyList<MandateEvent> events)
    {
        public IReadOnlyList<MandateEvent> Events { get; } = events;

        public TaskCompletionSource<IReadOnlyList<MandateEvent>> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "writing {Count} events failed (attempt {Attempt}); retrying")]
    private partial void LogWriteRetry(Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "writing {Count} events failed; they are counted as dropped")]
    private partial void LogWriteFailed(Exception exception, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "a {Type} event cannot be stored; it is counted as dropped")]
    private partial void LogUnstorable(Exception exception, string type);
}
