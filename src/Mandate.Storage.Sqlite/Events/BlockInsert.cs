using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The committer's block insert, prepared once on its connection and reused for every block. It binds the pooled
/// buffers as spans: a parameter of Microsoft.Data.Sqlite binds a whole array, so a block's compressed lines (the
/// written part of a pooled array) would first be copied into a new large array, which at a million events a second
/// is a stream of large-object-heap allocations and the full collections they bring.
/// </summary>
internal sealed class BlockInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO event_blocks (first_sequence, last_sequence, min_time, max_time, chain, encoding, participants, last_link, links, lines)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;

    public BlockInsert(SqliteConnection connection)
    {
        _connection = connection;
        Check(raw.sqlite3_prepare_v2(connection.Handle, Sql, out _statement));
    }

    /// <summary>Inserts <paramref name="block"/> with its chain link, inside the connection's open transaction.</summary>
    public void Execute(PreparedBlock block, ReadOnlySpan<byte> link)
    {
        try
        {
            Check(raw.sqlite3_bind_int64(_statement, 1, block.FirstSequence));
            Check(raw.sqlite3_bind_int64(_statement, 2, block.LastSequence));
            Check(raw.sqlite3_bind_int64(_statement, 3, block.MinTime));
            Check(raw.sqlite3_bind_int64(_statement, 4, block.MaxTime));
            Check(raw.sqlite3_bind_int(_statement, 5, (int)Core.Events.AuditLinkScheme.BlockDigest));
            Check(raw.sqlite3_bind_int(_statement, 6, BlockCompression.Current));
            Check(raw.sqlite3_bind_blob(_statement, 7, block.Participants));
            Check(raw.sqlite3_bind_blob(_statement, 8, link));
            Check(raw.sqlite3_bind_blob(_statement, 9, block.Locators));
            Check(raw.sqlite3_bind_blob(_statement, 10, block.Compressed.AsSpan(0, block.CompressedLength)));
            var done = raw.sqlite3_step(_statement);
            if (done != raw.SQLITE_DONE)
            {
                Check(done);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _connection.Handle);
        }
    }
}
