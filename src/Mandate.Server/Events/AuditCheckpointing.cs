using Mandate.Core.Storage;
using Mandate.Tokens.Audit;
using Mandate.Tokens.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Events;

/// <summary>
/// Signs a checkpoint of the audit chain periodically (when events were added since the last one) and once
/// more at shutdown, so a rewritten chain no longer matches a signature only the server's key can make.
/// </summary>
internal sealed partial class AuditCheckpointing(
    IMandateStore store, SigningKeyRing keys, TimeProvider time, MandateServerOptions options, ILogger<AuditCheckpointing> logger) : BackgroundService
{
    /// <summary>Signs and stores a checkpoint of the current head unless one already covers it.</summary>
    public static async Task<AuditCheckpoint?> CheckpointAsync(IAuditLog audit, SigningKeyRing keys, TimeProvider time, CancellationToken cancellationToken)
    {
        var head = await audit.HeadAsync(cancellationToken);
        var latest = await audit.LatestCheckpointAsync(cancellationToken);
        if (head.Sequence == 0 || latest?.Sequence >= head.Sequence)
        {
            return null;
        }

        var checkpoint = CheckpointSignature.Create(keys.Current, head, time.GetUtcNow());
        await audit.AddCheckpointAsync(checkpoint, cancellationToken);
        return checkpoint;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.AuditCheckpointInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckpointAsync(store.Audit, keys, time, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckpointFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "signing an audit checkpoint failed; it is retried at the next interval")]
    private partial void LogCheckpointFailed(Exception exception);
}
