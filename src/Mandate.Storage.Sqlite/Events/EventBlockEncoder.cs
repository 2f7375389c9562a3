using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Turns a batch of encoded events into blocks after a given sequence number: puts each event's number in front of its
/// encoded line, takes the line's locator, collects the identities taking part (hashed when the event was encoded),
/// compresses the lines and takes their chain digest. A block needs
/// nothing from the blocks before it but its first sequence number, so the blocks of a batch (and of the batches after
/// it) are encoded on the thread pool in parallel, off the writer's thread; only the step from one chain link to the
/// next, over a 32-byte digest at commit, runs in order.
/// </summary>
internal static class EventBlockEncoder
{
    /// <summary>Most events per block; bigger batches become several blocks committed together.</summary>
    public const int MaxBlockEvents = 4096;

    // Each pool thread keeps one set for the block it is encoding.
    [ThreadStatic]
    private static HashSet<ulong>? t_participants;

    /// <summary>Numbers <paramref name="events"/> after <paramref name="sequence"/> and starts encoding their blocks on the thread pool.</summary>
    public static PreparedAppend Prepare(EncodedEvents events, long sequence)
    {
        var blocks = new Task<PreparedBlock>[BlockCount(events.Count)];
        for (var b = 0; b < blocks.Length; b++)
        {
            var start = b * MaxBlockEvents;
            blocks[b] = Task.Run(() => Encode(events, start, sequence));
        }

        return new PreparedAppend(events, sequence, blocks);
    }

    /// <summary>Prepares <paramref name="events"/> after <paramref name="sequence"/> on the calling thread (inside a write transaction).</summary>
    public static PreparedAppend PrepareNow(EncodedEvents events, long sequence)
    {
        var blocks = new Task<PreparedBlock>[BlockCount(events.Count)];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = Task.FromResult(Encode(events, b * MaxBlockEvents, sequence));
        }

        return new PreparedAppend(events, sequence, blocks);
    }

    private static int BlockCount(int events) => (events + MaxBlockEvents - 1) / MaxBlockEvents;

    /// <summary>Encodes the block of up to <see cref="MaxBlockEvents"/> events from <paramref name="start"/>; event 0 follows <paramref name="sequence"/>.</summary>
    private static PreparedBlock Encode(EncodedEvents events, int start, long sequence)
    {
        var count = Math.Min(MaxBlockEvents, events.Count - start);
        var participants = t_participants ??= [];
        participants.Clear();
        var locators = new byte[count * AuditChain.StoredLinkSize];
        var lines = new PooledBuffer(events.BodyLength(start, count) + (count * (EncodedEvents.MaxNumberLength + 1)));
        try
        {
            long minTime = long.MaxValue, maxTime = long.MinValue;
            var first = sequence + start + 1;
            for (var i = 0; i < count; i++)
            {
                var line = lines.GetSpan(events.Body(start + i).Length + EncodedEvents.MaxNumberLength + 1);
                var length = events.WriteLine(start + i, first + i, line);
                AuditChain.Locate(line[..length], locators.AsSpan(i * AuditChain.StoredLinkSize));
                line[length] = (byte)'\n';
                lines.Advance(length + 1);

                var time = events.Time(start + i);
                minTime = Math.Min(minTime, time);
                maxTime = Math.Max(maxTime, time);
                foreach (var participant in events.Participants(start + i))
                {
                    participants.Add(participant);
                }
            }

            var digest = new byte[AuditChain.LinkSize];
            AuditChain.Digest(lines.WrittenSpan, digest);
            var (compressed, compressedLength) = BlockCompression.Compress(lines.WrittenSpan);
            return new PreparedBlock(first, first + count - 1, minTime, maxTime, digest, locators,
                ParticipantFilter.Build(participants), compressed, compressedLength);
        }
        finally
        {
            lines.Dispose();
        }
    }
}
