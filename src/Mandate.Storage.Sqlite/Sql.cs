using Mandate.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Command and value conversions shared by the tables.</summary>
internal static class Sql
{
    public static SqliteCommand Command(this SqliteConnection connection, SqliteTransaction? transaction, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static object? Ticks(DateTimeOffset? time) => time?.UtcTicks;

    public static DateTimeOffset Time(this SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? OptionalTime(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static string? OptionalString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Escapes <c>%</c>, <c>_</c> and the escape character for a <c>LIKE ... ESCAPE '\'</c> pattern.</summary>
    public static string LikeLiteral(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Whether a row with primary key <paramref name="id"/> exists in <paramref name="table"/> (a constant name).</summary>
    public static async Task<bool> ExistsAsync(this SqliteConnection connection, SqliteTransaction transaction, string table, string id, CancellationToken cancellationToken)
    {
        await using var query = connection.Command(transaction, $"SELECT 1 FROM {table} WHERE id = $id", ("$id", id));
        return await query.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>The refusal for an optimistic update that matched no row: the row is gone, or its version moved on.</summary>
    public static async Task<MandateException> UpdateMissAsync(
        this SqliteConnection connection, SqliteTransaction transaction, string table, string what, string id, long version, CancellationToken cancellationToken) =>
        await connection.ExistsAsync(transaction, table, id, cancellationToken)
            ? new MandateException(ErrorCode.VersionConflict, $"{what} `{id}` changed since version {version}; read it again and retry")
            : MandateException.NotFound(what, id);

    public static async Task<List<T>> ListAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(map(reader));
        }

        return items;
    }
}
