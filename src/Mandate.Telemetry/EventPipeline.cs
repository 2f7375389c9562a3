using System.Threading.Channels;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Telemetry;

/// <summary>
/// Bounded, batching pipeline from producers to the event store: producers never wait, one writer
/// drains whatever has accumulated into a single transaction (group commit).
/// </summary>
public sealed partial class EventPipeline : IEventSink, IAsyncDisposable
{
    private readonly Channel<MandateEvent> _channel;
    private readonly IEventStore _store;
    private readonly EventPipelineOptions _options;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _written;
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Starts the pipeline's writer over <paramref name="store"/>.</summary>
    public EventPipeline(IEventStore store, EventPipelineOptions options, ILogger<EventPipeline> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _channel = Channel.CreateBounded<MandateEvent>(new BoundedChannelOptions(options.Capacity)
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

    /// <inheritdoc />
    public bool Emit(MandateEvent evt)
    {
        if (_channel.Writer.TryWrite(evt))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
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
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<MandateEvent>(_options.MaxBatchSize);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var evt))
            {
                batch.Add(evt);
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<MandateEvent> batch)
    {
        // A failing store must not kill the writer: retry with backoff, and count the batch as dropped
        // only once retries are exhausted, so a transient lock never silently loses events.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(batch).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
                Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
                return;
            }
            catch (Exception ex) when (attempt < 5)
            {
                LogWriteRetry(ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                LogWriteFailed(ex, batch.Count);
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "writing {Count} events failed (attempt {Attempt}); retrying")]
    private partial void LogWriteRetry(Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "writing {Count} events failed; they are counted as dropped")]
    private partial void LogWriteFailed(Exception exception, int count);
}
