using Mandate.Core.Events;
using Mandate.Core.Storage;

namespace Mandate.Telemetry.Retention;

/// <summary>What one retention pass removed.</summary>
/// <param name="Through">The last removed event: the kept stream now starts right after it.</param>
/// <param name="Removed">How many events were removed.</param>
public sealed record RetentionResult(long Through, long Removed);

/// <summary>
/// Applies <see cref="EventRetentionOptions"/> while keeping the audit chain verifiable: before the oldest events
/// go, a retention anchor is signed at the last of them (its link is where verification of the kept stream starts),
/// and the removal itself is recorded as an event in the stream.
/// </summary>
/// <param name="log">The audit log to prune.</param>
/// <param name="events">Where the record of a removal goes.</param>
/// <param name="signAnchor">Signs a retention anchor at a point of the chain (the server's signing key).</param>
/// <param name="time">The clock.</param>
public sealed class EventRetention(IAuditLog log, IEventSink events, Func<AuditHead, AuditCheckpoint> signAnchor, TimeProvider time)
{
    /// <summary>Removes what <paramref name="options"/> no longer keeps; null when nothing was due.</summary>
    public async Task<RetentionResult?> RunAsync(EventRetentionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var boundary = await log.FindPruneBoundaryAsync(now - options.MaxAge, options.MaxEvents, cancellationToken);
        if (boundary is null)
        {
            return null;
        }

        var checkpoints = await log.ReadCheckpointsAsync(cancellationToken);
        if (!checkpoints.Any(c => c.Anchor && c.Sequence == boundary.Sequence))
        {
            await log.AddCheckpointAsync(signAnchor(boundary), cancellationToken);
        }

        var removed = await log.PruneAsync(boundary.Sequence, cancellationToken);
        events.Emit(AuditContext.System.ToEvent(now, EventCategory.EntityManagement, "audit.events_pruned", EventOutcome.Success, "EventLog", "events",
            $"retention removed {removed} events up to event {boundary.Sequence}; the kept stream is anchored at a signed checkpoint there"));
        return new RetentionResult(boundary.Sequence, removed);
    }
}
