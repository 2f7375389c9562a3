using System.Globalization;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The append-only event stream and its audit chain, in their own database file. An append is numbered on the
/// caller's thread after the last sequence the log keeps in memory and its blocks are encoded on the thread pool,
/// then a single writer links them into the chain and groups whatever is waiting into one durable transaction, so
/// later batches are encoded while earlier ones commit. Appends complete only once durable; queries read concurrently from a consistent snapshot.
/// </summary>
internal sealed partial class SqliteEventLog : IEventStore, IAuditLog, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _prepare = new(1, 1);
    private EventBlockCommitter _committer = null!;
    private long? _sequence;

    private SqliteEventLog(SqliteDatabase database) => _database = database;

    public static async Task<SqliteEventLog> OpenAsync(string directory, CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(Path.Combine(directory, EventLogSchema.FileName), static () => { });
        try
        {
            await CreateOrUpgradeAsync(database, cancellationToken);
            var log = new SqliteEventLog(database);
            log._committer = await EventBlockCommitter.StartAsync(database, log.ForgetHeadAsync, cancellationToken);
            return log;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    private static async Task CreateOrUpgradeAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        int version;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (version > EventLogSchema.Version)
            {
                throw new InvalidOperationException(
                    $"the event log is at version {version} but this build knows only up to {EventLogSchema.Version}; run a newer mandate");
            }

            // Page size and auto-vacuum take effect only before the first table exists, so they are set on a new file alone;
            // incremental auto-vacuum lets retention give pruned space back to the file system.
            command.CommandText = (version == 0 ? $"PRAGMA page_size = {EventLogSchema.PageSize}; PRAGMA auto_vacuum = INCREMENTAL; " : string.Empty) + "PRAGMA journal_mode = WAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (version == EventLogSchema.Version)
        {
            return;
        }

        await database.WriteAsync(async session =>
        {
            if (version == 1)
            {
                await EventLogUpgrade.FromVersion1Async(session);
            }
            else
            {
                await session.ExecuteAsync(EventLogSchema.Create);
            }

            await session.ExecuteAsync($"PRAGMA user_version = {EventLogSchema.Version}");
            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        using var encoded = new EncodedEvents(events.Count);
        foreach (var e in events)
        {
            encoded.Add(e);
        }

        return new StoredEvents(events, await AppendAsync(encoded, cancellationToken).ConfigureAwait(false));
    }

    public async Task<long> AppendAsync(EncodedEvents events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        PreparedAppend append;
        await _prepare.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sequence = _sequence ??= (await ReadHeadAsync(cancellationToken).ConfigureAwait(false)).Sequence;
            append = EventBlockEncoder.Prepare(events, sequence);
            _sequence = append.LastSequence;
            _committer.Enqueue(append);
        }
        finally
        {
            _prepare.Release();
        }

        // Not cancellable once queued: the events become durable (or fail) either way, and the caller must not
        // mistake a cancelled wait for events that were never stored. Nor does it return while a block is still being
        // encoded from the caller's batch (when the log was closed under it), since the caller may then reuse the batch.
        try
        {
            return await append.Committed.Task.ConfigureAwait(false);
        }
        finally
        {
            await append.Encoded.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// After a failed commit, or when another process appended to the file: read the head again before the next
    /// append. Batches already prepared are checked against the stored head when they commit, and prepared again
    /// if it moved.
    /// </summary>
    private async Task ForgetHeadAsync()
    {
        await _prepare.WaitAsync().ConfigureAwait(false);
        try
        {
            _sequence = null;
        }
        finally
        {
            _prepare.Release();
        }
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
        return _database.ReadAsync(session => reader.ReadAsync(session, limit), cancellationToken);
    }

    public Task<AuditHead> HeadAsync(CancellationToken cancellationToken = default) => ReadHeadAsync(cancellationToken);

    private Task<AuditHead> ReadHeadAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync(async session =>
        {
            await using var command = session.Command("SELECT last_sequence, last_link FROM event_blocks ORDER BY first_sequence DESC LIMIT 1");
            await using var reader = await command.ExecuteReaderAsync(session.CancellationToken);
            return await reader.ReadAsync(session.CancellationToken)
                ? new AuditHead(reader.GetInt64(0), (byte[])reader.GetValue(1))
                : new AuditHead(0, AuditChain.Genesis.ToArray());
        }, cancellationToken);

    public Task<IAuditSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken = default) =>
        SqliteAuditSnapshot.OpenAsync(_database, cancellationToken);

    public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);

        // Periodic checkpoints and retention boundaries both fall on block ends, so an anchor often lands where a plain
        // checkpoint already is. Both sign the same link there, so the anchor takes the plain one's place; any other
        // second checkpoint at an event (another link, or a plain one over an anchor) is refused.
        return _database.WriteAsync(async session =>
        {
            var written = await session.ExecuteAsync(
                """
                INSERT INTO audit_checkpoints (sequence, link, created_at, signature, anchor) VALUES ($sequence, $link, $at, $signature, $anchor)
                ON CONFLICT (sequence) DO UPDATE SET created_at = excluded.created_at, signature = excluded.signature, anchor = 1
                WHERE excluded.anchor = 1 AND audit_checkpoints.anchor = 0 AND audit_checkpoints.link = excluded.link
                """,
                ("$sequence", checkpoint.Sequence),
                ("$link", checkpoint.Link),
                ("$at", checkpoint.CreatedAt.ToStored()),
                ("$signature", checkpoint.Signature),
                ("$anchor", checkpoint.Anchor ? 1 : 0));
            return written == 1
                ? written
                : throw new MandateException(ErrorCode.Conflict, $"a checkpoint of event {checkpoint.Sequence} is already stored");
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(SqliteAuditSnapshot.ReadCheckpointsAsync, cancellationToken);

    public Task<AuditCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        _database.ReadAsync(SqliteAuditSnapshot.ReadLatestCheckpointAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync();
        await _database.DisposeAsync();
        _prepare.Dispose();
    }
}
