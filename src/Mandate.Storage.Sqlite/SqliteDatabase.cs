using System.Runtime.CompilerServices;
using Mandate.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Connections to one database file. Readers run concurrently (WAL); writers are serialized through one
/// lock so they never fail with SQLITE_BUSY inside this process, and each write is one transaction.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // FULL: a commit returns only after the WAL is on disk, so an acknowledged write survives a
        // process kill and a power loss. Group commit keeps the cost per event small.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await body(connection);
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await body(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw Describe(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Streams the rows of a query on its own connection (for building snapshots).</summary>
    public async IAsyncEnumerable<T> ScanAsync<T>(string sql, Func<SqliteDataReader, T> map, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.Command(null, sql);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return map(reader);
        }
    }

    public void Dispose()
    {
        // Release pooled handles so the directory can be reopened or removed at once.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeLock.Dispose();
    }

    private static MandateException Describe(SqliteException ex) => ex.SqliteExtendedErrorCode switch
    {
        787 => new MandateException(ErrorCode.NotFound, "a referenced object does not exist"),
        _ => new MandateException(ErrorCode.Conflict, "an object with that id already exists"),
    };
}
