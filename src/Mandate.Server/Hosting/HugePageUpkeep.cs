using Mandate.Authorization;
using Mandate.Core.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>
/// Backs the authorization snapshot with huge pages (<see cref="HugePages"/>) once it is built, and again after it is
/// replaced: a large policy set over many entities is read at random by every decision, and with huge pages those reads
/// miss the TLB far less often. Changes that come in bursts are waited out first, and collapses are at least
/// <see cref="MinimumInterval"/> apart. Turned off with <see cref="MandateServerOptions.HugePages"/>.
/// </summary>
internal sealed partial class HugePageUpkeep(SnapshotSource snapshots, TimeProvider time, ILogger<HugePageUpkeep> logger) : BackgroundService
{
    /// <summary>How long a new snapshot must stay current before its memory is collapsed.</summary>
    internal static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>Least time between two collapses.</summary>
    internal static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long collapsedAt = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            var snapshot = await snapshots.WaitForChangeAsync(collapsedAt, stoppingToken);
            await Task.Delay(Settle, time, stoppingToken);
            if (snapshots.Current.Generation != snapshot.Generation)
            {
                continue;
            }

            collapsedAt = snapshot.Generation;
            try
            {
                // Synchronous system calls for up to a second or so: on a thread of its own, not the pool's.
                var report = await Task.Factory.StartNew(() => HugePages.Collapse(stoppingToken), stoppingToken,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
                if (report.UnsupportedReason is not null)
                {
                    LogUnsupported(report.UnsupportedReason);
                    return;
                }

                LogCollapsed(snapshot.Generation, report.ToString());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            await Task.Delay(MinimumInterval, time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "snapshot {Generation}: {Report}")]
    private partial void LogCollapsed(long generation, string report);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "huge pages are not used: {Reason}")]
    private partial void LogUnsupported(string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "backing the snapshot with huge pages failed; decisions are unaffected")]
    private partial void LogFailed(Exception exception);
}
