using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>A connection (and, for writes, its transaction) lent to one store operation.</summary>
internal sealed class SqliteSession(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Whether this write changed identities, credentials, groups, memberships or policies.</summary>
    public bool StateChanged { get; private set; }

    public void MarkStateChanged() => StateChanged = true;

    public SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql);
        command.Bind(parameters);
        return await command.ExecuteNonQueryAsync(CancellationToken);
    }

    public async Task<bool> ExistsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql);
        command.Bind(parameters);
        return await command.ExecuteScalarAsync(CancellationToken) is not null;
    }

    public async Task<T?> SingleAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> map)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(CancellationToken);
        return await reader.ReadAsync(CancellationToken) ? map(reader) : null;
    }

    public async Task<List<T>> ListAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> map)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(CancellationToken);
        while (await reader.ReadAsync(CancellationToken))
        {
            items.Add(map(reader));
        }

        return items;
    }
}
