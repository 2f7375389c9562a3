using System.Runtime.CompilerServices;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The append-only event stream and its audit chain, in their own database file. Appends are serialized and
/// durable on return (one transaction per batch); queries read concurrently from a consistent snapshot.
/// </summary>
internal sealed class SqliteEventLog(SqliteDatabase database) : IEventStore, IAuditLog, IAsyncDisposable
{
    public static async Task<SqliteEventLog> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(Path.Combine(directory, EventLogSchema.FileName), static () => { });
        try
        {
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = WAL";
                await command.ExecuteNonQueryAsync(cancellationToken);
                command.CommandText = "PRAGMA user_version";
                var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                if (version > EventLogSchema.Version)
                {
                    throw new InvalidOperationException(
                        $"the event log is at version {version} but this build knows only up to {EventLogSchema.Version}; run a newer mandate");
                }
            }

            await database.WriteAsync(async session =>
            {
                await session.ExecuteAsync(EventLogSchema.Create);
                await session.ExecuteAsync($"PRAGMA user_version = {EventLogSchema.Version}");
                return true;
            }, cancellationToken);
            return new SqliteEventLog(database);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MandateEvent>>([]);
        }

        EventBlockWriter.RefuseDuplicateIds(events);
        return database.WriteAsync<IReadOnlyList<MandateEvent>>(
            async session => await EventBlockWriter.AppendAsync(session, events),
            cancellationToken);
    }

    public Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit is < 1 or > PageRequest.MaxLimit)
        {
            throw MandateException.Invalid("limit", $"limit must be between 1 and {PageRequest.MaxLimit}");
        }

        if (query.AfterSequence < 0)
        {
            throw MandateException.Invalid("cursor", "cursor must be a sequence number of zero or more");
        }

        var reader = new EventBlockQuery(query);
        return database.ReadAsync(session => reader.ReadAsync(session, limit), cancellationToken);
    }

    public Task<AuditHead> HeadAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            var (sequence, link) = await EventBlockWriter.HeadAsync(session);
            return new AuditHead(sequence, link);
        }, cancellationToken);

    public async IAsyncEnumerable<AuditBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var block in database.ScanAsync(
            "SELECT first_sequence, lines, links FROM event_blocks ORDER BY first_sequence",
            reader => new AuditBlock(reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)),
            cancellationToken))
        {
            yield return block;
        }
    }

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return database.WriteAsync(session => session.ExecuteAsync(
            "INSERT INTO audit_checkpoints (sequence, link, created_at, signature) VALUES ($sequence, $link, $at, $signature)",
            ("$sequence", checkpoint.Sequence),
            ("$link", checkpoint.Link),
            ("$at", checkpoint.CreatedAt.ToStored()),
            ("$signature", checkpoint.Signature)), cancellationToken);
    }

    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<AuditCheckpoint>>(async session =>
        {
            await using var command = session.Command("SELECT sequence, link, created_at, signature FROM audit_checkpoints ORDER BY sequence");
            return await session.ListAsync(command, r => new AuditCheckpoint(r.GetInt64(0), (byte[])r.GetValue(1), r.GetInstant(2), r.GetString(3)));
        }, cancellationToken);

    public ValueTask DisposeAsync() => database.DisposeAsync();
}
