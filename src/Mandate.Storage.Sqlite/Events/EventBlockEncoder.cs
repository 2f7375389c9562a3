using System.Buffers;
using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Turns a batch into blocks after a given chain head: numbers the events, encodes each canonical line, links it
/// into the audit chain and collects the identities taking part. Pure CPU work, done before the write
/// transaction so the next batch is prepared while the previous one commits.
/// </summary>
internal sealed class EventBlockEncoder
{
    /// <summary>Most events per block; bigger batches become several blocks committed together.</summary>
    public const int MaxBlockEvents = 4096;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024 * 1024);
    private readonly HashSet<ulong> _participants = [];

    public PreparedAppend Prepare(IReadOnlyList<MandateEvent> events, long sequence, byte[] link)
    {
        var previousSequence = sequence;
        var previousLink = link;
        var blocks = new List<PreparedBlock>((events.Count + MaxBlockEvents - 1) / MaxBlockEvents);
        Span<byte> current = stackalloc byte[AuditChain.LinkSize];
        link.CopyTo(current);
        for (var start = 0; start < events.Count; start += MaxBlockEvents)
        {
            var count = Math.Min(MaxBlockEvents, events.Count - start);
            var links = new byte[count * AuditChain.StoredLinkSize];
            _buffer.ResetWrittenCount();
            _participants.Clear();
            long minTime = long.MaxValue, maxTime = long.MinValue;
            var first = sequence + 1;
            for (var i = 0; i < count; i++)
            {
                var e = events[start + i];
                var offset = _buffer.WrittenCount;
                EventCodec.Write(_buffer, e, ++sequence);
                AuditChain.Next(current, _buffer.WrittenSpan[offset..], current);
                current[..AuditChain.StoredLinkSize].CopyTo(links.AsSpan(i * AuditChain.StoredLinkSize));
                _buffer.Write("\n"u8);

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

            blocks.Add(new PreparedBlock(first, sequence, minTime, maxTime, _buffer.WrittenSpan.ToArray(), links,
                current.ToArray(), ParticipantFilter.Build(_participants)));
        }

        return new PreparedAppend(previousSequence, previousLink, blocks);
    }
}
