using System.Buffers;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Appends a batch inside one write transaction: reads the chain head, gives the events the next sequence
/// numbers, encodes each canonical line, links it into the audit chain and stores the lines as blocks.
/// </summary>
internal static class EventBlockWriter
{
    /// <summary>Most events per block; bigger batches become several blocks in the same transaction.</summary>
    public const int MaxBlockEvents = 4096;

    private const string ReadHead = "SELECT last_sequence, last_link FROM event_blocks ORDER BY first_sequence DESC LIMIT 1";

    private const string InsertBlock = """
        INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, lines, links, last_link)
        VALUES ($first, $last, $min, $max, $lines, $links, $last_link)
        """;

    private const string InsertIdentity = """
        INSERT INTO event_block_identities (identity_id, first_sequence, max_time) VALUES ($identity, $first, $max)
        """;

    public static void RefuseDuplicateIds(IReadOnlyList<MandateEvent> events)
    {
        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (string.IsNullOrEmpty(e.Id))
            {
                throw MandateException.Invalid("id", "every event needs an id");
            }

            if (!ids.Add(e.Id))
            {
                throw new MandateException(ErrorCode.Conflict, $"event id `{e.Id}` appears twice in the batch", "id");
            }
        }
    }

    public static async Task<(long Sequence, byte[] Link)> HeadAsync(SqliteSession session)
    {
        await using var command = session.Command(ReadHead);
        await using var reader = await command.ExecuteReaderAsync(session.CancellationToken);
        return await reader.ReadAsync(session.CancellationToken)
            ? (reader.GetInt64(0), (byte[])reader.GetValue(1))
            : (0, AuditChain.Genesis.ToArray());
    }

    public static async Task<MandateEvent[]> AppendAsync(SqliteSession session, IReadOnlyList<MandateEvent> events)
    {
        var (sequence, link) = await HeadAsync(session);
        var stored = new MandateEvent[events.Count];
        await using var block = session.Command(InsertBlock);
        var first = block.Parameters.Add("$first", SqliteType.Integer);
        var last = block.Parameters.Add("$last", SqliteType.Integer);
        var min = block.Parameters.Add("$min", SqliteType.Integer);
        var max = block.Parameters.Add("$max", SqliteType.Integer);
        var lines = block.Parameters.Add("$lines", SqliteType.Blob);
        var links = block.Parameters.Add("$links", SqliteType.Blob);
        var lastLink = block.Parameters.Add("$last_link", SqliteType.Blob);
        block.Prepare();
        await using var member = session.Command(InsertIdentity);
        var memberId = member.Parameters.Add("$identity", SqliteType.Text);
        var memberBlock = member.Parameters.Add("$first", SqliteType.Integer);
        var memberTime = member.Parameters.Add("$max", SqliteType.Integer);
        member.Prepare();

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var writer = EventCodec.CreateWriter(buffer);
        var participants = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var start = 0; start < events.Count; start += MaxBlockEvents)
        {
            var count = Math.Min(MaxBlockEvents, events.Count - start);
            var chainLinks = new byte[count * AuditChain.LinkSize];
            buffer.ResetWrittenCount();
            participants.Clear();
            long minTime = long.MaxValue, maxTime = long.MinValue;
            for (var i = 0; i < count; i++)
            {
                var e = events[start + i] with { Sequence = ++sequence };
                stored[start + i] = e;
                var offset = buffer.WrittenCount;
                writer.Reset(buffer);
                EventCodec.Write(writer, e);
                var next = chainLinks.AsSpan(i * AuditChain.LinkSize, AuditChain.LinkSize);
                AuditChain.Next(link, buffer.WrittenSpan[offset..], next);
                link = next.ToArray();
                buffer.Write("\n"u8);

                var time = e.Time.UtcTicks;
                minTime = Math.Min(minTime, time);
                maxTime = Math.Max(maxTime, time);
                Note(participants, e.ActorId, time);
                foreach (var delegator in e.Chain)
                {
                    Note(participants, delegator, time);
                }
            }

            first.Value = stored[start].Sequence;
            last.Value = sequence;
            min.Value = minTime;
            max.Value = maxTime;
            lines.Value = buffer.WrittenSpan.ToArray();
            links.Value = chainLinks;
            lastLink.Value = link;
            await block.ExecuteNonQueryAsync(session.CancellationToken);

            memberBlock.Value = stored[start].Sequence;
            foreach (var (identity, time) in participants)
            {
                memberId.Value = identity;
                memberTime.Value = time;
                await member.ExecuteNonQueryAsync(session.CancellationToken);
            }
        }

        return stored;
    }

    private static void Note(Dictionary<string, long> participants, string? identity, long time)
    {
        if (identity is null)
        {
            return;
        }

        ref var latest = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(participants, identity, out var existed);
        latest = existed ? Math.Max(latest, time) : time;
    }
}
