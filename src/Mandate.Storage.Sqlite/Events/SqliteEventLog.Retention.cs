using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>Retention: the oldest whole blocks go, after a signed anchor states where the kept chain starts.</summary>
internal sealed partial class SqliteEventLog
{
    public Task<AuditHead?> FindPruneBoundaryAsync(DateTimeOffset? olderThan, long? keepLatest, CancellationToken cancellationToken = default)
    {
        if (keepLatest is < 0)
        {
            throw MandateException.Invalid("keep_latest", "the number of events to keep must be zero or more");
        }

        return _database.ReadAsync(async session =>
        {
            var head = await ReadHeadAsync(cancellationToken);
            await using var command = session.Command("SELECT last_sequence, max_time, last_link FROM event_blocks ORDER BY first_sequence");
            await using var reader = await command.ExecuteReaderAsync(session.CancellationToken);
            AuditHead? boundary = null;
            while (await reader.ReadAsync(session.CancellationToken))
            {
                var last = reader.GetInt64(0);
                var old = olderThan is { } cutoff && reader.GetInt64(1) < cutoff.UtcTicks;
                var surplus = keepLatest is { } keep && last <= head.Sequence - keep;
                if (last >= head.Sequence || !(old || surplus))
                {
                    break;
                }

                boundary = new AuditHead(last, (byte[])reader.GetValue(2));
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
        await _database.ReadAsync(session => session.ExecuteAsync("PRAGMA incremental_vacuum"), cancellationToken);
        return removed;
    }
}
