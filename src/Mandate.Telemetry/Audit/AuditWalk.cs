using Mandate.Core.Events;
using Mandate.Core.Storage;

namespace Mandate.Telemetry.Audit;

/// <summary>
/// Walks the stored blocks in order, re-deriving the chain, and keeps the first problem. After an event turns
/// out to be missing it only looks further ahead for that event, to tell a deletion from a move.
/// </summary>
internal sealed class AuditWalk(IReadOnlyList<AuditCheckpoint> checkpoints)
{
    private readonly byte[] _link = new byte[AuditChain.LinkSize];
    private bool _started;
    private long _expected;
    private int _checkpoint;
    private long _missing;
    private bool _missingSeenLater;
    private AuditProblem? _problem;

    /// <summary>Lines read.</summary>
    public long Events { get; private set; }

    /// <summary>The last event checked so far (0 before the first).</summary>
    public long Last => _started ? _expected - 1 : 0;

    /// <summary>The chain link after <see cref="Last"/>.</summary>
    public ReadOnlySpan<byte> Link => _link;

    /// <summary>Reads one block; false once the outcome is known.</summary>
    public bool Read(AuditBlock block)
    {
        if (_missing > 0)
        {
            return LookAhead(block);
        }

        if (block.Damage is { } damage)
        {
            var at = _started ? _expected : block.Key;
            _problem = new AuditProblem(at, AuditProblemKind.Modified, $"the stored block holding event {at} onwards cannot be read ({damage}): it was modified");
            return false;
        }

        if (!Enum.IsDefined(block.Scheme))
        {
            var at = _started ? _expected : block.Key;
            _problem = new AuditProblem(at, AuditProblemKind.Modified, $"the stored block holding event {at} onwards names chain scheme {(int)block.Scheme}, which no version wrote: it was modified");
            return false;
        }

        var links = block.Links.Span;
        var blockStart = _link;
        var first = _expected;
        var index = 0;
        foreach (var range in block.Lines.Span.Split((byte)'\n'))
        {
            var line = block.Lines.Span[range];
            if (line.IsEmpty)
            {
                continue;
            }

            Events++;
            if (!Step(block.Scheme, line, links, index++))
            {
                return _missing > 0 && LookAheadRest(block, index);
            }

            if (index == 1)
            {
                // Only now is the chain started (from the genesis or a retention anchor) for the first block.
                first = _expected - 1;
                blockStart = block.Scheme == AuditLinkScheme.EventLinks ? _link : _link.ToArray();
            }
        }

        return index == 0 || EndBlock(block, blockStart, first);
    }

    /// <summary>Checks the block's link, the checkpoints that fall within it, and what is stored beside its lines.</summary>
    private bool EndBlock(AuditBlock block, byte[] blockStart, long first)
    {
        var last = _expected - 1;
        if (block.Scheme != AuditLinkScheme.EventLinks)
        {
            AuditChain.NextBlock(block.Scheme, blockStart, block.Lines.Span, _link);
        }

        if (!block.LastLink.Span.SequenceEqual(_link))
        {
            _problem = block.Scheme != AuditLinkScheme.EventLinks
                ? new AuditProblem(first, AuditProblemKind.Modified,
                    $"an event among events {first} to {last} was modified: their block no longer matches its chain link (the event locators were rewritten to hide which)")
                : new AuditProblem(last, AuditProblemKind.Modified,
                    $"event {last} was modified: the chain after it does not match the link recorded at the end of its block");
            return false;
        }

        for (; _checkpoint < checkpoints.Count && checkpoints[_checkpoint].Sequence <= last; _checkpoint++)
        {
            var checkpoint = checkpoints[_checkpoint];
            if (checkpoint.Sequence != last || !checkpoint.Link.AsSpan().SequenceEqual(_link))
            {
                _problem = new AuditProblem(checkpoint.Sequence, AuditProblemKind.CheckpointMismatch,
                    $"the chain up to event {checkpoint.Sequence} does not match the signed checkpoint: events up to it were rewritten");
                return false;
            }
        }

        if (block.Mismatch is { } mismatch)
        {
            // Checked once the lines are known to be genuine: the time range and identity filter stored beside them
            // decide what retention removes and which blocks queries read, but the chain does not cover them.
            _problem = new AuditProblem(first, AuditProblemKind.Modified,
                $"the stored block of events {first} to {last} was modified: {mismatch}");
            return false;
        }

        return true;
    }

    /// <summary>The first problem, including checkpoints past the end of the stream.</summary>
    public AuditProblem? Finish()
    {
        if (_missing > 0)
        {
            return _missingSeenLater
                ? new AuditProblem(_missing, AuditProblemKind.Reordered, $"event {_missing} is stored out of order (event {_problem!.Sequence} comes first)")
                : new AuditProblem(_missing, AuditProblemKind.Deleted, $"event {_missing} is missing: the stream goes from event {_missing - 1} to event {_problem!.Sequence}");
        }

        if (_problem is not null)
        {
            return _problem;
        }

        var end = _started ? _expected - 1 : 0;
        for (var i = _checkpoint; i < checkpoints.Count; i++)
        {
            if (checkpoints[i].Sequence > end)
            {
                return new AuditProblem(end + 1, AuditProblemKind.CheckpointMismatch,
                    $"a signed checkpoint covers event {checkpoints[i].Sequence}, but the stream ends at event {end}: events were deleted");
            }
        }

        return null;
    }

    private bool Step(AuditLinkScheme scheme, ReadOnlySpan<byte> line, ReadOnlySpan<byte> links, int index)
    {
        long sequence;
        try
        {
            sequence = EventCodec.ReadSequence(line);
        }
        catch (FormatException)
        {
            var at = _started ? _expected : 1;
            _problem = new AuditProblem(at, AuditProblemKind.Modified, $"the event stored as event {at} is unreadable: it was modified");
            return false;
        }

        if (!_started && !Start(sequence))
        {
            return false;
        }

        if (sequence < _expected)
        {
            _problem = new AuditProblem(sequence, AuditProblemKind.Inserted, $"event {sequence} appears a second time after event {_expected - 1}: an event was inserted");
            return false;
        }

        if (sequence > _expected)
        {
            // Deleted or moved: decided by whether the expected event turns up later.
            _missing = _expected;
            _problem = new AuditProblem(sequence, AuditProblemKind.Deleted, string.Empty);
            return false;
        }

        var stored = links.Length >= (index + 1) * AuditChain.StoredLinkSize
            ? links.Slice(index * AuditChain.StoredLinkSize, AuditChain.StoredLinkSize)
            : [];
        Span<byte> expected = stackalloc byte[AuditChain.StoredLinkSize];
        if (scheme == AuditLinkScheme.EventLinks)
        {
            AuditChain.Next(_link, line, _link);
            _link.AsSpan(0, AuditChain.StoredLinkSize).CopyTo(expected);
            if (stored.SequenceEqual(expected) && !CheckpointsInsideEventLinks(sequence))
            {
                return false;
            }
        }
        else
        {
            AuditChain.Locate(line, expected);
        }

        if (!stored.SequenceEqual(expected))
        {
            _problem = new AuditProblem(sequence, AuditProblemKind.Modified, $"event {sequence} was modified: its content does not match the audit chain");
            return false;
        }

        _expected++;
        return true;
    }

    /// <summary>In per-event blocks a checkpoint may sit after any event; false on a mismatch.</summary>
    private bool CheckpointsInsideEventLinks(long sequence)
    {
        for (; _checkpoint < checkpoints.Count && checkpoints[_checkpoint].Sequence <= sequence; _checkpoint++)
        {
            if (checkpoints[_checkpoint].Sequence == sequence && !checkpoints[_checkpoint].Link.AsSpan().SequenceEqual(_link))
            {
                _problem = new AuditProblem(sequence, AuditProblemKind.CheckpointMismatch,
                    $"the chain up to event {sequence} does not match the signed checkpoint: events up to it were rewritten");
                return false;
            }
        }

        return true;
    }

    /// <summary>Where the kept stream starts: event 1 from the genesis link, or right after a signed retention anchor.</summary>
    private bool Start(long first)
    {
        _started = true;
        if (first == 1)
        {
            AuditChain.Genesis.CopyTo(_link);
            _expected = 1;
            return true;
        }

        var anchor = checkpoints.LastOrDefault(c => c.Anchor && c.Sequence < first);
        if (anchor is null || anchor.Sequence != first - 1)
        {
            var missing = anchor is null ? 1 : anchor.Sequence + 1;
            _problem = new AuditProblem(missing, AuditProblemKind.Deleted, anchor is null
                ? $"events 1 to {first - 1} are missing and no signed retention anchor accounts for them"
                : $"events {missing} to {first - 1} are missing: retention removed events only up to event {anchor.Sequence}");
            return false;
        }

        anchor.Link.CopyTo(_link, 0);
        _expected = first;
        while (_checkpoint < checkpoints.Count && checkpoints[_checkpoint].Sequence < first)
        {
            _checkpoint++;
        }

        return true;
    }

    private bool LookAhead(AuditBlock block) => LookAheadRest(block, 0);

    private bool LookAheadRest(AuditBlock block, int skip)
    {
        var index = 0;
        foreach (var range in block.Lines.Span.Split((byte)'\n'))
        {
            var line = block.Lines.Span[range];
            if (line.IsEmpty || index++ < skip)
            {
                continue;
            }

            try
            {
                if (EventCodec.ReadSequence(line) == _missing)
                {
                    _missingSeenLater = true;
                    return false;
                }
            }
            catch (FormatException)
            {
                // An unreadable line cannot be the missing event.
            }
        }

        return true;
    }
}
