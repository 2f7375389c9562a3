using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Rewrites a version 1 event log (plain lines, full 32-byte links per event, an identity index table) into the
/// version 2 layout in one transaction: the lines and chain links are kept byte for byte (links cut to their stored
/// prefix), the blocks stay under the per-event link scheme they were written with, and each gets its participant
/// filter. Signed checkpoints therefore verify the same before and after, and new blocks chain on from the last link.
/// </summary>
internal static class EventLogUpgrade
{
    public static async Task FromVersion1Async(SqliteSession session)
    {
        await session.ExecuteAsync("ALTER TABLE event_blocks RENAME TO event_blocks_v1; DROP INDEX IF EXISTS ix_event_blocks_max_time;");
        await session.ExecuteAsync(EventLogSchema.Create);
        await using (var read = session.Command("SELECT first_sequence, last_sequence, min_time, max_time, lines, links, last_link FROM event_blocks_v1 ORDER BY first_sequence"))
        {
            var rows = await session.ListAsync(read, r => (First: r.GetInt64(0), Last: r.GetInt64(1), Min: r.GetInt64(2), Max: r.GetInt64(3),
                Lines: (byte[])r.GetValue(4), Links: (byte[])r.GetValue(5), LastLink: (byte[])r.GetValue(6)));
            foreach (var row in rows)
            {
                // A block with a damaged line gets an empty filter, which makes queries read it whole; verification reports the line.
                await session.ExecuteAsync(
                    """
                    INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, chain, encoding, participants, last_link, links, lines)
                    VALUES ($first, $last, $min, $max, $chain, $encoding, $participants, $last_link, $links, $lines)
                    """,
                    ("$first", row.First), ("$last", row.Last), ("$min", row.Min), ("$max", row.Max), ("$chain", (int)AuditLinkScheme.EventLinks),
                    ("$encoding", BlockCompression.Plain), ("$participants", BlockSummary.Of(row.Lines)?.Filter() ?? []),
                    ("$last_link", row.LastLink), ("$links", ShortLinks(row.Links)), ("$lines", row.Lines));
            }
        }

        await session.ExecuteAsync("""
            DROP TABLE event_blocks_v1;
            DROP TABLE IF EXISTS event_block_identities;
            ALTER TABLE audit_checkpoints ADD COLUMN anchor INTEGER NOT NULL DEFAULT 0;
            """);
    }

    private static byte[] ShortLinks(byte[] links)
    {
        var count = links.Length / AuditChain.LinkSize;
        var stored = new byte[count * AuditChain.StoredLinkSize];
        for (var i = 0; i < count; i++)
        {
            links.AsSpan(i * AuditChain.LinkSize, AuditChain.StoredLinkSize).CopyTo(stored.AsSpan(i * AuditChain.StoredLinkSize));
        }

        return stored;
    }
}
