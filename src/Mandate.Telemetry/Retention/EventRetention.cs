using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry.Audit;

namespace Mandate.Telemetry.Retention;

/// <summary>What one retention pass removed.</summary>
/// <param name="Through">The last removed event: the kept stream now starts right after it.</param>
/// <param name="Removed">How many events were removed.</param>
public sealed record RetentionResult(long Through, long Removed);

/// <summary>
/// Applies <see cref="EventRetentionOptions"/> while keeping the audit chain verifiable: before the oldest events
/// go, a retention anchor is signed at the last of them (its link is where verification of the kept stream starts),
/// and the removal itself is recorded as an event in the stream. The store finds what is due from the time range it
/// keeps beside each block, which the chain does not cover, so before signing anything the blocks to remove are read
/// back and checked against their lines: their chain from where the kept stream starts up to the boundary's link, and
/// the times of their events.
/// </summary>
/// <param name="log">The audit log to prune.</param>
/// <param name="events">Where the record of a removal goes.</param>
/// <param name="signAnchor">Signs a retention anchor at a point of the chain (the server's signing key).</param>
/// <param name="time">The clock.</param>
public sealed class EventRetention(IAuditLog log, IEventSink events, Func<AuditHead, AuditCheckpoint> signAnchor, TimeProvider time)
{
    /// <summary>Removes what <paramref name="options"/> no longer keeps, in as many anchored steps as the store takes; null when nothing was due.</summary>
    /// <exception cref="InvalidDataException">
    /// The events to remove do not match what the store states about them (it was tampered with); nothing was signed or removed.
    /// </exception>
    public async Task<RetentionResult?> RunAsync(EventRetentionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var cutoff = now - options.MaxAge;

        // The store hands out a long due range in bounded steps; each is checked, anchored and removed on its own, so
        // the kept stream always starts right after an anchor, even when the server stops between steps.
        RetentionResult? result = null;
        while (await log.FindPruneBoundaryAsync(cutoff, options.MaxEvents, cancellationToken) is { } boundary
            && boundary.Sequence > (result?.Through ?? 0))
        {
            var removed = await PruneAsync(boundary, cutoff, options.MaxEvents, cancellationToken);
            events.Emit(AuditContext.System.ToEvent(now, EventCategory.EntityManagement, "audit.events_pruned", EventOutcome.Success, "EventLog", "events",
                $"retention removed {removed} events up to event {boundary.Sequence}; the kept stream is anchored at a signed checkpoint there"));
            result = new RetentionResult(boundary.Sequence, (result?.Removed ?? 0) + removed);
        }

        return result;
    }

    /// <summary>Checks, anchors and removes the events up to <paramref name="boundary"/>; returns how many were removed.</summary>
    private async Task<long> PruneAsync(AuditHead boundary, DateTimeOffset? cutoff, long? keepLatest, CancellationToken cancellationToken)
    {
        var checkpoints = await CheckDueAsync(boundary, cutoff, keepLatest, cancellationToken);
        if (!checkpoints.Any(c => c.Anchor && c.Sequence == boundary.Sequence))
        {
            await log.AddCheckpointAsync(signAnchor(boundary), cancellationToken);
        }

        return await log.PruneAsync(boundary.Sequence, cancellationToken);
    }

    /// <summary>
    /// Reads the events up to <paramref name="boundary"/> back from their lines and refuses unless they chain from where
    /// the stream starts (the genesis or a signed anchor) to the boundary's link, match what is stored beside them, and
    /// are all older than <paramref name="cutoff"/> or all more than <paramref name="keepLatest"/> behind the head.
    /// Returns the checkpoints of the snapshot it checked.
    /// </summary>
    private async Task<IReadOnlyList<AuditCheckpoint>> CheckDueAsync(AuditHead boundary, DateTimeOffset? cutoff, long? keepLatest, CancellationToken cancellationToken)
    {
        // The head only grows, so one read after the boundary was found counts at least as many later events as it did.
        var head = await log.HeadAsync(cancellationToken);
        var surplus = keepLatest is { } keep && boundary.Sequence <= head.Sequence - keep;
        await using var snapshot = await log.ReadSnapshotAsync(cancellationToken);
        var walk = new AuditWalk(snapshot.Checkpoints);
        await foreach (var block in snapshot.ReadBlocksAsync(cancellationToken))
        {
            if (walk.Last >= boundary.Sequence)
            {
                break;
            }

            if (!walk.Read(block))
            {
                throw Refused(boundary, walk.Finish()?.Message ?? $"the stored block holding event {block.Key} onwards cannot be checked");
            }

            if (!surplus && !(block.LatestTime < cutoff))
            {
                throw Refused(boundary, $"the events up to event {walk.Last} are not all older than {cutoff:O}, as the time range stored beside them states");
            }
        }

        if (walk.Last != boundary.Sequence || !walk.Link.SequenceEqual(boundary.Link))
        {
            throw Refused(boundary, $"the stored chain does not reach event {boundary.Sequence} with the link recorded there");
        }

        return snapshot.Checkpoints;
    }

    private static InvalidDataException Refused(AuditHead boundary, string problem) =>
        new($"retention refused to remove the events up to event {boundary.Sequence}, and signed nothing: {problem}; run `mandate audit verify`");
}
