using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Retention: the oldest whole blocks go, after a signed anchor states where the kept chain starts. A long due range
/// goes in bounded steps, each to its own anchor, and freed pages go back in bounded steps too: the committer waits at
/// most its busy timeout for the file's write lock, and a prune holding it longer would make appends fail.
/// </summary>
internal sealed partial class SqliteEventLog
{
    /// <summary>Most blocks one prune removes.</summary>
    private const int MaxPruneBlocks = 256;

    /// <summary>Most bytes of stored lines one prune removes (unless its first block alone holds more).</summary>
    private const long MaxPruneBytes = 64 << 20;

    /// <summary>Most pages one vacuum step gives back to the file system (16 MiB at the log's page size).</summary>
    private const int VacuumPages = 1024;

    public Task<AuditHead?> FindPruneBoundaryAsync(DateTimeOffset? olderThan, long? keepLatest, CancellationToken cancellationToken = default)
    {
        if (keepLatest is < 0)
        {
            throw MandateException.Invalid("keep_latest", "the number of events to keep must be zero or more");
        }

        return _database.ReadAsync(async session =>
        {
            var head = await ReadHeadAsync(cancellationToken);
            // length() of a blob reads its size from the row header, not its overflow pages.
            await using var command = session.Command("SELECT last_sequence, max_time, last_link, length(lines) FROM event_blocks ORDER BY first_sequence");
            await using var reader = await command.ExecuteReaderAsync(session.CancellationToken);
            AuditHead? boundary = null;
            var (blocks, bytes) = (0, 0L);
            while (await reader.ReadAsync(session.CancellationToken))
            {
                var last = reader.GetInt64(0);
                var old = olderThan is { } cutoff && reader.GetInt64(1) < cutoff.UtcTicks;
                var surplus = keepLatest is { } keep && last <= head.Sequence - keep;
                bytes += reader.GetInt64(3);
                if (last >= head.Sequence || !(old || surplus) || blocks == MaxPruneBlocks || (blocks > 0 && bytes > MaxPruneBytes))
                {
                    break;
                }

                boundary = new AuditHead(last, (byte[])reader.GetValue(2));
                blocks++;
            }

            return boundary;
        }, cancellationToken);
    }

    public async Task<long> PruneAsync(long throughSequence, CancellationToken cancellationToken = default)
    {
        var removed = await _database.WriteAsync(async session =>
        {
            if (!await session.ExistsAsync("SELECT 1 FROM audit_checkpoints WHERE sequence = $s AND anchor = 1", ("$s", throughSequence)))
            {
                throw MandateException.Invalid("sequence", $"no signed retention anchor covers event {throughSequence}; sign one before pruning");
            }

            if (!await session.ExistsAsync(
                "SELECT 1 FROM event_blocks WHERE last_sequence = $s AND first_sequence < (SELECT max(first_sequence) FROM event_blocks)",
                ("$s", throughSequence)))
            {
                throw MandateException.Invalid("sequence", $"event {throughSequence} does not end a block older than the newest one");
            }

            await using var count = session.Command("SELECT coalesce(sum(last_sequence - first_sequence + 1), 0) FROM event_blocks WHERE last_sequence <= $s");
            count.Parameters.AddWithValue("$s", throughSequence);
            var removed = (long)(await count.ExecuteScalarAsync(session.CancellationToken))!;
            await session.ExecuteAsync("DELETE FROM event_blocks WHERE last_sequence <= $s", ("$s", throughSequence));

            // Checkpoints of removed events can no longer be checked against anything (verification starts at the
            // anchor), and kept forever they would grow by one a minute; the anchor itself stays.
            await session.ExecuteAsync("DELETE FROM audit_checkpoints WHERE sequence < $s", ("$s", throughSequence));
            return removed;
        }, cancellationToken);
        // Each step moves at most VacuumPages of kept data from the file's end into freed pages, in its own short write.
        // It stops once nothing is free, or nothing was given back (a file made without incremental auto-vacuum).
        bool more;
        do
        {
            more = await _database.WriteAsync(async session =>
            {
                var before = await FreePagesAsync(session);
                await session.ExecuteAsync($"PRAGMA incremental_vacuum({VacuumPages})");
                var after = await FreePagesAsync(session);
                return after > 0 && after < before;
            }, cancellationToken);
        }
        while (more);

        return removed;
    }

    private static async Task<long> FreePagesAsync(SqliteSession session)
    {
        await using var command = session.Command("PRAGMA freelist_count");
        return (long)(await command.ExecuteScalarAsync(session.CancellationToken))!;
    }
}
