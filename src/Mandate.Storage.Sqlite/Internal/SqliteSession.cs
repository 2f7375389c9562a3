using Mandate.Core.Errors;
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

    /// <summary>
    /// Runs a versioned update of row <paramref name="id"/> (an <c>UPDATE .. WHERE id = $id AND version = $version</c>
    /// that returns the row's <c>last_used_at</c>) and returns that; when it changed no row, throws why (see
    /// <see cref="UpdateRefusedAsync"/>).
    /// </summary>
    public async Task<DateTimeOffset?> UpdateReturningLastUseAsync(string sql, (string Name, object? Value)[] parameters, string table, string kind, string id)
    {
        await using (var command = Command(sql))
        {
            command.Bind(parameters);
            await using var reader = await command.ExecuteReaderAsync(CancellationToken);
            if (await reader.ReadAsync(CancellationToken))
            {
                return reader.GetInstantOrNull(0);
            }
        }

        throw await UpdateRefusedAsync(table, kind, id);
    }

    /// <summary>
    /// Why a versioned update of row <paramref name="id"/> of <paramref name="table"/> (a <paramref name="kind"/>) changed
    /// nothing: the row is there at another version, so it was written since it was read, or it is gone.
    /// </summary>
    public async Task<MandateException> UpdateRefusedAsync(string table, string kind, string id) =>
        await ExistsAsync($"SELECT 1 FROM {table} WHERE id = $id", ("$id", id))
            ? new MandateException(ErrorCode.VersionConflict, $"{kind} `{id}` changed since it was read; read it again and retry")
            : MandateException.NotFound(kind, id);

    /// <summary>Records a use of row <paramref name="id"/> of <paramref name="table"/> at <paramref name="usedAt"/>, unless a later one is recorded.</summary>
    public Task<int> TouchAsync(string table, string id, DateTimeOffset usedAt) =>
        ExecuteAsync(
            $"UPDATE {table} SET last_used_at = $at WHERE id = $id AND (last_used_at IS NULL OR last_used_at < $at)",
            ("$id", id),
            ("$at", usedAt.ToStored()));

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
