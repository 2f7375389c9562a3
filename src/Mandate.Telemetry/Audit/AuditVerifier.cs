using Mandate.Core.Storage;

namespace Mandate.Telemetry.Audit;

/// <summary>What kind of tampering (or damage) verification found.</summary>
public enum AuditProblemKind
{
    /// <summary>An event's stored content no longer matches its chain link.</summary>
    Modified,

    /// <summary>An event is missing from the stream.</summary>
    Deleted,

    /// <summary>An event appears that the chain never had (a repeated sequence number).</summary>
    Inserted,

    /// <summary>Events are stored out of order.</summary>
    Reordered,

    /// <summary>The chain does not match a signed checkpoint: it was rewritten, or events were cut off.</summary>
    CheckpointMismatch,

    /// <summary>A checkpoint's signature is missing, invalid or by an untrusted key.</summary>
    BadCheckpoint,
}

/// <summary>The first problem found, naming the event.</summary>
/// <param name="Sequence">The event (sequence number) where the stream first goes wrong.</param>
/// <param name="Kind">What went wrong there.</param>
/// <param name="Message">The finding in words.</param>
public sealed record AuditProblem(long Sequence, AuditProblemKind Kind, string Message);

/// <summary>The outcome of verifying an audit log.</summary>
/// <param name="Events">Events checked.</param>
/// <param name="Checkpoints">Signed checkpoints checked.</param>
/// <param name="Problem">The first problem, or null when the log verifies.</param>
public sealed record AuditReport(long Events, int Checkpoints, AuditProblem? Problem)
{
    /// <summary>Whether the log verified.</summary>
    public bool Verified => Problem is null;
}

/// <summary>
/// Re-derives the audit chain from the stored event lines and compares it with the links the writer recorded
/// and with the signed checkpoints, reporting the first event that was modified, deleted, inserted or moved.
/// Lines are checked in storage order against the sequence numbers they carry, so a gap, a repeat or a step
/// backwards is found even when an attacker recomputed the links; rewriting the chain itself is caught by the
/// signed checkpoints, which an attacker without the signing key cannot forge. A stream that retention shortened
/// starts right after a signed retention anchor and is chained from the anchor's link. Blocks are read one at a
/// time, so a log of any size verifies in constant memory.
/// </summary>
public static class AuditVerifier
{
    /// <summary>Verifies <paramref name="log"/>; <paramref name="checkCheckpoint"/> returns what is wrong with a checkpoint's signature, or null.</summary>
    public static async Task<AuditReport> VerifyAsync(IAuditLog log, Func<AuditCheckpoint, string?> checkCheckpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(checkCheckpoint);
        // Checkpoints and blocks from one snapshot: a retention pass between two separate reads would look like events cut off.
        await using var snapshot = await log.ReadSnapshotAsync(cancellationToken);
        var checkpoints = snapshot.Checkpoints;
        foreach (var checkpoint in checkpoints)
        {
            if (checkCheckpoint(checkpoint) is { } problem)
            {
                return new AuditReport(0, checkpoints.Count, new AuditProblem(checkpoint.Sequence, AuditProblemKind.BadCheckpoint, problem));
            }
        }

        var walk = new AuditWalk(checkpoints);
        await foreach (var block in snapshot.ReadBlocksAsync(cancellationToken))
        {
            if (!walk.Read(block))
            {
                break;
            }
        }

        return new AuditReport(walk.Events, checkpoints.Count, walk.Finish());
    }
}
