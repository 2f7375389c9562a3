using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>
/// One database file: pooled connections per operation, readers run concurrently (WAL), writers are serialized
/// in process by a lock and across processes by <c>BEGIN IMMEDIATE</c> plus a busy timeout.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    // synchronous=FULL: WAL with NORMAL survives a process kill but can lose the last commits on power loss;
    // FULL fsyncs the WAL on every commit, and writes are already batched, so the cost is one fsync per transaction.
    private const string ConnectionPragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Action _stateCommitted;
    private int _disposed;

    public SqliteDatabase(string path, Action stateCommitted)
    {
        _stateCommitted = stateCommitted;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<SqliteSession, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await read(new SqliteSession(connection, null, cancellationToken));
    }

    /// <summary>Streams a whole table on its own connection; WAL gives the scan one consistent snapshot.</summary>
    public async IAsyncEnumerable<T> ScanAsync<T>(string sql, Func<SqliteDataReader, T> map, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return map(reader);
        }
    }

    public async Task<T> WriteAsync<T>(Func<SqliteSession, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        bool stateChanged;
        T result;
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var session = new SqliteSession(connection, transaction, cancellationToken);
            result = await write(session);
            await transaction.CommitAsync(cancellationToken);
            stateChanged = session.StateChanged;
        }
        catch (SqliteException exception) when (SqliteErrors.Translate(exception) is { } refusal)
        {
            throw refusal;
        }
        finally
        {
            _writeLock.Release();
        }

        if (stateChanged)
        {
            _stateCommitted();
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Wait for an in-flight write so its connection is back in the pool before the pool is cleared.
        await _writeLock.WaitAsync();
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeLock.Release();
        _writeLock.Dispose();
    }
}
