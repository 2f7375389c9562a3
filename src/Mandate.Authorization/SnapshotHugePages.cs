using Mandate.Core.Memory;
using Microsoft.Extensions.Logging;

namespace Mandate.Authorization;

/// <summary>
/// Backs the decision snapshot with huge pages (<see cref="HugePages"/>) once it is in use, and again after it is
/// replaced: a large policy set over many entities is read at random by every decision, and with huge pages those reads
/// miss the TLB far less often. A snapshot must stay current for <see cref="Settle"/> first (changes come in bursts),
/// and collapses are at least <see cref="MinimumInterval"/> apart. Collapsing covers the whole process, so a host turns
/// this on only where the process exists to decide (the server, <c>mandate proxy</c>).
/// </summary>
public sealed partial class SnapshotHugePages : IAsyncDisposable
{
    /// <summary>How long a new snapshot must stay current before the process's memory is collapsed.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>Least time between two collapses.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _changed = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private volatile HugePageReport? _lastReport;

    /// <summary>Starts waiting for the first <see cref="SnapshotChanged"/>.</summary>
    public SnapshotHugePages(TimeProvider time, ILogger<SnapshotHugePages> logger)
    {
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>What the last collapse did (why nothing was tried, when the system cannot), or null before the first.</summary>
    public HugePageReport? LastReport => _lastReport;

    /// <summary>Says that a new snapshot is in use (the first one too).</summary>
    public void SnapshotChanged() => _changed.Release();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        // The semaphore is left undisposed: a snapshot source may still report a change while the host shuts down.
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            await _changed.WaitAsync(stopping);
            do
            {
                // Until a whole settling time passes without another change.
                while (_changed.CurrentCount > 0)
                {
                    await _changed.WaitAsync(stopping);
                }

                await Task.Delay(Settle, _time, stopping);
            }
            while (_changed.CurrentCount > 0);

            try
            {
                // Synchronous system calls for up to a few seconds: on a thread of its own, not the pool's.
                var report = await Task.Factory.StartNew(() => HugePages.Collapse(stopping), stopping,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
                _lastReport = report;
                if (report.UnsupportedReason is not null)
                {
                    LogUnsupported(report.UnsupportedReason);
                    return;
                }

                LogCollapsed(report.ToString());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            await Task.Delay(MinimumInterval, _time, stopping);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "decision snapshot in use: {Report}")]
    private partial void LogCollapsed(string report);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "huge pages are not used: {Reason}")]
    private partial void LogUnsupported(string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "backing the decision snapshot with huge pages failed; decisions are unaffected")]
    private partial void LogFailed(Exception exception);
}
