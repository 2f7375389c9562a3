using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Turns a batch into blocks after a given chain head: numbers the events, encodes each canonical line with its
/// locator, links each block into the audit chain and collects the identities taking part. Pure CPU work, done before the write
/// transaction so the next batch is prepared while the previous one commits.
/// </summary>
internal sealed class EventBlockEncoder
{
    /// <summary>Most events per block; bigger batches become several blocks committed together.</summary>
    public const int MaxBlockEvents = 4096;

    private readonly HashSet<ulong> _participants = [];

    public PreparedAppend Prepare(IReadOnlyList<MandateEvent> events, long sequence, byte[] link)
    {
        var previousSequence = sequence;
        var previousLink = link;
        var blocks = new List<PreparedBlock>((events.Count + MaxBlockEvents - 1) / MaxBlockEvents);
        var current = link;
        for (var start = 0; start < events.Count; start += MaxBlockEvents)
        {
            var count = Math.Min(MaxBlockEvents, events.Count - start);
            var locators = new byte[count * AuditChain.StoredLinkSize];
            var lines = new PooledBuffer(count * 512);
            _participants.Clear();
            long minTime = long.MaxValue, maxTime = long.MinValue;
            var first = sequence + 1;
            for (var i = 0; i < count; i++)
            {
                var e = events[start + i];
                var offset = lines.WrittenCount;
                EventCodec.Write(lines, e, ++sequence);
                AuditChain.Locate(lines.WrittenSpan[offset..], locators.AsSpan(i * AuditChain.StoredLinkSize));
                lines.GetSpan(1)[0] = (byte)'\n';
                lines.Advance(1);

                var time = e.Time.UtcTicks;
                minTime = Math.Min(minTime, time);
                maxTime = Math.Max(maxTime, time);
                if (e.ActorId is { } actor)
                {
                    _participants.Add(ParticipantFilter.Hash(actor));
                }

                for (var c = 0; c < e.Chain.Count; c++)
                {
                    _participants.Add(ParticipantFilter.Hash(e.Chain[c]));
                }
            }

            var next = new byte[AuditChain.LinkSize];
            AuditChain.Next(current, lines.WrittenSpan, next);
            current = next;
            blocks.Add(new PreparedBlock(first, sequence, minTime, maxTime, lines, locators,
                current, ParticipantFilter.Build(_participants)));
        }

        return new PreparedAppend(events, previousSequence, previousLink, blocks);
    }
}
