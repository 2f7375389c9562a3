using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Moves events written by version 1 (a table in the state database) into the event log, in one transaction
/// and with their sequence numbers, before the state migration drops the old table. Safe to repeat: it copies
/// only into an empty log.
/// </summary>
internal static class LegacyEventMove
{
    public static async Task MoveAsync(SqliteDatabase state, SqliteEventLog log, CancellationToken cancellationToken)
    {
        var legacy = await state.ReadAsync(async session =>
        {
            if (!await session.ExistsAsync("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"))
            {
                return [];
            }

            await using var command = session.Command($"SELECT {LegacyEventRows.Columns} FROM events ORDER BY sequence");
            return await session.ListAsync(command, LegacyEventRows.Read);
        }, cancellationToken);

        if (legacy.Count == 0 || (await log.HeadAsync(cancellationToken)).Sequence > 0)
        {
            return;
        }

        // The log numbers events from 1 without gaps; version 1 did too, so sequence numbers carry over.
        await log.AppendAsync(legacy.Select(e => e with { Sequence = 0 }).ToList(), cancellationToken);
    }
}
