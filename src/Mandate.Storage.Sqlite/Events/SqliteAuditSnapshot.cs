using System.Runtime.CompilerServices;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The checkpoints and blocks of the event log in one read transaction on one connection: under WAL the transaction
/// sees the file as it was at its first read, so a retention pass (an anchor, then a prune) committed while a verifier
/// checks signatures or walks blocks is seen by neither read.
/// </summary>
internal sealed class SqliteAuditSnapshot : IAuditSnapshot
{
    public const string BlocksSql =
        "SELECT first_sequence, chain, encoding, links, last_link, lines, min_time, max_time, participants FROM event_blocks ORDER BY first_sequence";

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private SqliteAuditSnapshot(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<AuditCheckpoint> checkpoints)
    {
        _connection = connection;
        _transaction = transaction;
        Checkpoints = checkpoints;
    }

    public IReadOnlyList<AuditCheckpoint> Checkpoints { get; }

    public static async Task<IAuditSnapshot> OpenAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        SqliteTransaction? transaction = null;
        try
        {
            // Deferred: the snapshot is taken by the first read, the checkpoints, and every later read sees the same one.
            transaction = connection.BeginTransaction(deferred: true);
            var checkpoints = await ReadCheckpointsAsync(new SqliteSession(connection, transaction, cancellationToken));
            return new SqliteAuditSnapshot(connection, transaction, checkpoints);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    public async IAsyncEnumerable<AuditBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = new SqliteSession(_connection, _transaction, cancellationToken).Command(BlocksSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadBlock(reader);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private const string CheckpointsSql = "SELECT sequence, link, created_at, signature, anchor FROM audit_checkpoints ORDER BY sequence";

    /// <summary>Every checkpoint, in sequence order.</summary>
    public static async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(SqliteSession session)
    {
        await using var command = session.Command(CheckpointsSql);
        return await session.ListAsync(command, ReadCheckpoint);
    }

    /// <summary>The checkpoint of the latest event, or null.</summary>
    public static async Task<AuditCheckpoint?> ReadLatestCheckpointAsync(SqliteSession session)
    {
        await using var command = session.Command(CheckpointsSql + " DESC LIMIT 1");
        return await session.SingleAsync(command, ReadCheckpoint);
    }

    private static AuditCheckpoint ReadCheckpoint(SqliteDataReader r) =>
        new(r.GetInt64(0), (byte[])r.GetValue(1), r.GetInstant(2), r.GetString(3), r.GetInt64(4) != 0);

    /// <summary>
    /// A row of <see cref="BlocksSql"/> as a block, or as damage when its lines do not decompress; its time range and
    /// participant filter are compared with what its lines hold (<see cref="BlockSummary"/>).
    /// </summary>
    public static AuditBlock ReadBlock(SqliteDataReader reader)
    {
        var key = reader.GetInt64(0);
        var scheme = (AuditLinkScheme)reader.GetInt32(1);
        var links = (byte[])reader.GetValue(3);
        var lastLink = (byte[])reader.GetValue(4);
        byte[] lines;
        try
        {
            lines = BlockCompression.Decompress(reader.GetInt32(2), (byte[])reader.GetValue(5));
        }
        catch (InvalidDataException ex)
        {
            return new AuditBlock(key, scheme, ReadOnlyMemory<byte>.Empty, links, lastLink, ex.Message);
        }

        var mismatch = BlockSummary.Mismatch(reader.GetInt64(6), reader.GetInt64(7), (byte[])reader.GetValue(8), lines, out var latest);
        return new AuditBlock(key, scheme, lines, links, lastLink, Mismatch: mismatch, LatestTime: latest);
    }
}
