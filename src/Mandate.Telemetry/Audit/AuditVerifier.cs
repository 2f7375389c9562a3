using Mandate.Core.Events;
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
/// signed checkpoints, which an attacker without the signing key cannot forge.
/// </summary>
public static class AuditVerifier
{
    /// <summary>Verifies <paramref name="log"/>; <paramref name="checkCheckpoint"/> returns what is wrong with a checkpoint's signature, or null.</summary>
    public static async Task<AuditReport> VerifyAsync(IAuditLog log, Func<AuditCheckpoint, string?> checkCheckpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(checkCheckpoint);
        var checkpoints = await log.ReadCheckpointsAsync(cancellationToken);
        foreach (var checkpoint in checkpoints)
        {
            if (checkCheckpoint(checkpoint) is { } problem)
            {
                return new AuditReport(0, checkpoints.Count, new AuditProblem(checkpoint.Sequence, AuditProblemKind.BadCheckpoint, problem));
            }
        }

        var stored = new List<(long Sequence, ReadOnlyMemory<byte> Line, ReadOnlyMemory<byte> Link)>();
        await foreach (var block in log.ReadBlocksAsync(cancellationToken))
        {
            if (Split(block, stored) is { } damaged)
            {
                return new AuditReport(stored.Count, checkpoints.Count, damaged);
            }
        }

        return new AuditReport(stored.Count, checkpoints.Count, Walk(stored, checkpoints));
    }

    private static AuditProblem? Split(AuditBlock block, List<(long, ReadOnlyMemory<byte>, ReadOnlyMemory<byte>)> stored)
    {
        var lines = block.Lines;
        var links = block.Links;
        var index = 0;
        while (!lines.IsEmpty)
        {
            var end = lines.Span.IndexOf((byte)'\n');
            var line = end < 0 ? lines : lines[..end];
            lines = end < 0 ? ReadOnlyMemory<byte>.Empty : lines[(end + 1)..];
            long sequence;
            try
            {
                sequence = EventCodec.ReadSequence(line.Span);
            }
            catch (FormatException)
            {
                var previous = stored.Count == 0 ? 0 : stored[^1].Item1;
                return new AuditProblem(previous + 1, AuditProblemKind.Modified, $"the event stored after event {previous} is unreadable: it was modified");
            }

            var offset = index++ * AuditChain.LinkSize;
            var link = offset + AuditChain.LinkSize <= links.Length ? links.Slice(offset, AuditChain.LinkSize) : ReadOnlyMemory<byte>.Empty;
            stored.Add((sequence, line, link));
        }

        return null;
    }

    private static AuditProblem? Walk(List<(long Sequence, ReadOnlyMemory<byte> Line, ReadOnlyMemory<byte> Link)> stored, IReadOnlyList<AuditCheckpoint> checkpoints)
    {
        var positions = new Dictionary<long, int>(stored.Count);
        var link = AuditChain.Genesis.ToArray();
        var next = new byte[AuditChain.LinkSize];
        var checkpoint = 0;
        long expected = 1;
        for (var i = 0; i < stored.Count; i++)
        {
            var (sequence, line, storedLink) = stored[i];
            if (!positions.TryAdd(sequence, i))
            {
                return new AuditProblem(sequence, AuditProblemKind.Inserted, $"event {sequence} appears a second time at position {i + 1}: an event was inserted");
            }

            if (sequence != expected)
            {
                var later = stored.FindIndex(i + 1, s => s.Sequence == expected);
                return later >= 0 || sequence < expected
                    ? new AuditProblem(expected, AuditProblemKind.Reordered, $"event {expected} is stored out of order (event {sequence} comes first)")
                    : new AuditProblem(expected, AuditProblemKind.Deleted, $"event {expected} is missing: the stream goes from event {expected - 1} to event {sequence}");
            }

            AuditChain.Next(link, line.Span, next);
            if (!storedLink.Span.SequenceEqual(next))
            {
                return new AuditProblem(sequence, AuditProblemKind.Modified, $"event {sequence} was modified: its content does not match the audit chain");
            }

            (link, next) = (next, link);
            for (; checkpoint < checkpoints.Count && checkpoints[checkpoint].Sequence == sequence; checkpoint++)
            {
                if (!checkpoints[checkpoint].Link.AsSpan().SequenceEqual(link))
                {
                    return new AuditProblem(sequence, AuditProblemKind.CheckpointMismatch,
                        $"the chain up to event {sequence} does not match the signed checkpoint: events up to it were rewritten");
                }
            }

            expected++;
        }

        return checkpoint < checkpoints.Count
            ? new AuditProblem(expected, AuditProblemKind.CheckpointMismatch,
                $"a signed checkpoint covers event {checkpoints[checkpoint].Sequence}, but the stream ends at event {expected - 1}: events were deleted")
            : null;
    }
}
