using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry.Retention;
using Mandate.Tokens.Audit;
using Mandate.Tokens.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Events;

/// <summary>Applies the configured event retention in the background, anchoring the kept chain with the server's key.</summary>
internal sealed partial class EventRetentionService(
    IMandateStore store, IEventSink events, SigningKeyRing keys, TimeProvider time, MandateServerOptions options, ILogger<EventRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.EventRetention;
        if (!retention.Enabled)
        {
            return;
        }

        var runner = new EventRetention(store.Audit, events, head => CheckpointSignature.Create(keys.Current, head, time.GetUtcNow(), anchor: true), time);
        using var timer = new PeriodicTimer(retention.Interval, time);
        do
        {
            try
            {
                if (await runner.RunAsync(retention, stoppingToken) is { } result)
                {
                    LogPruned(result.Removed, result.Through);
                }
            }
            catch (InvalidDataException ex)
            {
                LogRetentionRefused(ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRetentionFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "event retention removed {Count} events up to event {Sequence}")]
    private partial void LogPruned(long count, long sequence);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "applying event retention failed; it is retried at the next interval")]
    private partial void LogRetentionFailed(Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Reason}")]
    private partial void LogRetentionRefused(string reason);
}
