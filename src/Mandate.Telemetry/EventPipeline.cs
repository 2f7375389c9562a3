using System.Threading.Channels;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Telemetry;

/// <summary>
/// Bounded, batching pipeline from producers to the event store: one writer drains whatever has accumulated
/// into a single transaction (group commit). Internal producers never wait (<see cref="Emit"/> drops and
/// counts when full); ingest callers wait for room and for their events to be durable
/// (<see cref="AppendDurableAsync"/>), sharing transactions with everything else in flight.
/// </summary>
public sealed partial class EventPipeline : IEventSink, IAsyncDisposable
{
    private readonly Channel<Entry> _channel;
    private readonly IEventStore _store;
    private readonly EventPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _written;
    private long _waiting;
    private TaskCompletionSource _appended = NewSignal();
    private CancellationTokenSource? _linger;
    private int _closing;

    /// <summary>Starts the pipeline's writer over <paramref name="store"/>.</summary>
    public EventPipeline(IEventStore store, EventPipelineOptions options, ILogger<EventPipeline> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _channel = Channel.CreateBounded<Entry>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Events refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events durably written.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events waiting to be written.</summary>
    public int Pending => _channel.Reader.Count;

    /// <summary>Most events held before new ones are dropped.</summary>
    public int Capacity => _options.Capacity;

    /// <summary>Durable appends (ingest calls) waiting for room or for their events to be stored: backpressure on producers.</summary>
    public long WaitingAppends => Interlocked.Read(ref _waiting);

    /// <inheritdoc />
    public bool Emit(MandateEvent evt)
    {
        if (_channel.Writer.TryWrite(new Entry(evt, null)))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>
    /// Queues <paramref name="events"/> as one unit, waiting for room rather than dropping, and completes once
    /// they are durably stored (with their sequence numbers), or fails when the store refuses or fails them.
    /// </summary>
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
            await _channel.Writer.WriteAsync(new Entry(null, ticket), cancellationToken).ConfigureAwait(false);

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
    /// Completes when the next batch has been written. Followers take it before reading, then await it
    /// when the read found nothing, so no append between the two is missed.
    /// </summary>
    public Task NextAppend => Volatile.Read(ref _appended).Task;

    /// <summary>Stops accepting events and writes everything already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        Interlocked.Exchange(ref _closing, 1);
        Volatile.Read(ref _linger)?.Cancel();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        // Appends are pipelined: the store prepares a batch on this thread and commits it on its own writer, so
        // while one batch commits the next is already being prepared. Results are taken in order.
        var reader = _channel.Reader;
        var inFlight = new Queue<InFlight>();
        Task<bool>? more = null;
        while (true)
        {
            if (!reader.TryPeek(out _))
            {
                // Nothing queued: wait for events, or take the oldest outcome meanwhile.
                more ??= reader.WaitToReadAsync().AsTask();
                if (inFlight.Count > 0 && await Task.WhenAny(more, inFlight.Peek().Append).ConfigureAwait(false) != more)
                {
                    await CompleteAsync(inFlight.Dequeue()).ConfigureAwait(false);
                    continue;
                }

                var open = await more.ConfigureAwait(false);
                more = null;
                if (!open)
                {
                    break;
                }

                continue;
            }

            if (_options.Linger > TimeSpan.Zero && reader.Count < _options.MaxBatchSize / 2)
            {
                await LingerAsync().ConfigureAwait(false);
            }

            var batch = new List<MandateEvent>(Math.Min(_options.MaxBatchSize, Math.Max(reader.Count, 16)));
            var tickets = new List<(Ticket Ticket, int Start)>();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var entry))
            {
                if (entry.Ticket is { } ticket)
                {
                    tickets.Add((ticket, batch.Count));
                    batch.AddRange(ticket.Events);
                }
                else
                {
                    batch.Add(entry.Event!);
                }
            }

            inFlight.Enqueue(new InFlight(batch, tickets, StartAppend(batch)));
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
            if (Interlocked.Read(ref _waiting) == 0 && Volatile.Read(ref _closing) == 0)
            {
                await Task.Delay(_options.Linger, linger.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            Volatile.Write(ref _linger, null);
        }
    }

    private Task<IReadOnlyList<MandateEvent>> StartAppend(List<MandateEvent> batch)
    {
        try
        {
            return _store.AppendAsync(batch);
        }
        catch (Exception ex)
        {
            return Task.FromException<IReadOnlyList<MandateEvent>>(ex);
        }
    }

    private async Task CompleteAsync(InFlight write)
    {
        try
        {
            Stored(write.Batch, write.Tickets, await write.Append.ConfigureAwait(false));
        }
        catch (Exception)
        {
            // Refused or failed: write it again on its own, with retries and per-caller splitting.
            await WriteBatchAsync(write.Batch, write.Tickets).ConfigureAwait(false);
        }
    }

    private void Stored(List<MandateEvent> batch, List<(Ticket Ticket, int Start)> tickets, IReadOnlyList<MandateEvent> stored)
    {
        Interlocked.Add(ref _written, batch.Count);
        foreach (var (ticket, start) in tickets)
        {
            var events = new MandateEvent[ticket.Events.Count];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = stored[start + i];
            }

            ticket.Stored.TrySetResult(events);
        }

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    private async Task WriteBatchAsync(List<MandateEvent> batch, List<(Ticket Ticket, int Start)> tickets)
    {
        // A failing store must not kill the writer: retry with backoff, and count the batch as dropped
        // only once retries are exhausted, so a transient lock never silently loses events. A refusal
        // (bad input) is not retried; ingest callers learn either way, since their batch is all or nothing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Stored(batch, tickets, await _store.AppendAsync(batch).ConfigureAwait(false));
                return;
            }
            catch (Core.Errors.MandateException) when (tickets.Count > 1 || (tickets.Count == 1 && batch.Count > tickets[0].Ticket.Events.Count))
            {
                // The store refused the batch (say, two ingest calls reused an event id): write each caller's
                // events on their own, so only the offending call is refused.
                var loose = batch.Where((_, i) => !tickets.Exists(t => i >= t.Start && i < t.Start + t.Ticket.Events.Count)).ToList();
                if (loose.Count > 0)
                {
                    await WriteBatchAsync(loose, []).ConfigureAwait(false);
                }

                foreach (var entry in tickets)
                {
                    await WriteBatchAsync([.. entry.Ticket.Events], [(entry.Ticket, 0)]).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is not Core.Errors.MandateException)
            {
                LogWriteRetry(ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                LogWriteFailed(ex, batch.Count);
                foreach (var (ticket, _) in tickets)
                {
                    ticket.Stored.TrySetException(ex is Core.Errors.MandateException ? ex : new InvalidOperationException("the events could not be stored", ex));
                }

                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A batch handed to the store whose outcome is still to be taken.</summary>
    private sealed record InFlight(List<MandateEvent> Batch, List<(Ticket Ticket, int Start)> Tickets, Task<IReadOnlyList<MandateEvent>> Append);

    /// <summary>One queued item: a single emitted event, or an ingest batch waiting for durability.</summary>
    private readonly record struct Entry(MandateEvent? Event, Ticket? Ticket);

    private sealed class Ticket(IReadOnlyList<MandateEvent> events)
    {
        public IReadOnlyList<MandateEvent> Events { get; } = events;

        public TaskCompletionSource<IReadOnlyList<MandateEvent>> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "writing {Count} events failed (attempt {Attempt}); retrying")]
    private partial void LogWriteRetry(Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "writing {Count} events failed; they are counted as dropped")]
    private partial void LogWriteFailed(Exception exception, int count);
}
