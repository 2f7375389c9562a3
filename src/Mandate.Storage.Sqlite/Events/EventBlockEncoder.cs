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

    /// <summary>
    /// Most bytes of lines per block (unless one event alone is longer): lines whose text is escaped run to about
    /// 100 KB each, so a block cut by count alone could grow past what a reader sets aside for one.
    /// </summary>
    public const int MaxBlockBytes = 32 << 20;

    // What a line adds to its body at most: its sequence number and the line feed.
    private const int LineOverhead = EncodedEvents.MaxNumberLength + 1;

    // Each pool thread keeps one summary for the block it is encoding.
    [ThreadStatic]
    private static BlockSummary? t_summary;

    /// <summary>Numbers <paramref name="events"/> after <paramref name="sequence"/> and starts encoding their blocks on the thread pool.</summary>
    public static PreparedAppend Prepare(EncodedEvents events, long sequence)
    {
        var ranges = Cut(events);
        var blocks = new Task<PreparedBlock>[ranges.Count];
        for (var b = 0; b < blocks.Length; b++)
        {
            var (start, count) = ranges[b];
            blocks[b] = Task.Run(() => Encode(events, start, count, sequence));
        }

        return new PreparedAppend(events, sequence, blocks);
    }

    /// <summary>Prepares <paramref name="events"/> after <paramref name="sequence"/> on the calling thread (inside a write transaction).</summary>
    public static PreparedAppend PrepareNow(EncodedEvents events, long sequence)
    {
        var ranges = Cut(events);
        var blocks = new Task<PreparedBlock>[ranges.Count];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = Task.FromResult(Encode(events, ranges[b].Start, ranges[b].Count, sequence));
        }

        return new PreparedAppend(events, sequence, blocks);
    }

    /// <summary>
    /// Where the blocks of a batch start and how many events each holds: as many events as fit in
    /// <see cref="MaxBlockEvents"/> and <see cref="MaxBlockBytes"/>, and always at least one.
    /// </summary>
    private static List<(int Start, int Count)> Cut(EncodedEvents events)
    {
        var ranges = new List<(int Start, int Count)>((events.Count + MaxBlockEvents - 1) / MaxBlockEvents);
        var start = 0;
        var bytes = 0L;
        for (var i = 0; i < events.Count; i++)
        {
            var line = events.Body(i).Length + LineOverhead;
            if (i > start && (i - start == MaxBlockEvents || bytes + line > MaxBlockBytes))
            {
                ranges.Add((start, i - start));
                start = i;
                bytes = 0;
            }

            bytes += line;
        }

        ranges.Add((start, events.Count - start));
        return ranges;
    }

    /// <summary>Encodes the block of <paramref name="count"/> events from <paramref name="start"/>; event 0 follows <paramref name="sequence"/>.</summary>
    private static PreparedBlock Encode(EncodedEvents events, int start, int count, long sequence)
    {
        var summary = t_summary ??= new BlockSummary();
        summary.Clear();
        var locators = new byte[count * AuditChain.StoredLinkSize];
        var lines = new PooledBuffer(events.BodyLength(start, count) + (count * LineOverhead));
        try
        {
            var first = sequence + start + 1;
            for (var i = 0; i < count; i++)
            {
                var line = lines.GetSpan(events.Body(start + i).Length + LineOverhead);
                var length = events.WriteLine(start + i, first + i, line);
                AuditChain.Locate(line[..length], locators.AsSpan(i * AuditChain.StoredLinkSize));
                line[length] = (byte)'\n';
                lines.Advance(length + 1);
                summary.Add(events, start + i);
            }

            var digest = new byte[AuditChain.LinkSize];
            AuditChain.Digest(lines.WrittenSpan, digest);
            var (compressed, compressedLength) = BlockCompression.Compress(lines.WrittenSpan);
            return new PreparedBlock(first, first + count - 1, summary.MinTime, summary.MaxTime, digest, locators,
                summary.Filter(), compressed, compressedLength);
        }
        finally
        {
            lines.Dispose();
        }
    }
}
