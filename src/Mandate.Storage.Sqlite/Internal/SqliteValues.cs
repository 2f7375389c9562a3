using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Internal;

/// <summary>Parameter binding and column reading shared by every table.</summary>
internal static class SqliteValues
{
    public static void Bind(this SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    /// <summary>Instants are stored as UTC ticks: lossless to 100 ns and ordered as integers.</summary>
    public static long ToStored(this DateTimeOffset value) => value.UtcTicks;

    public static object? ToStored(this DateTimeOffset? value) => value?.UtcTicks;

    public static DateTimeOffset GetInstant(this SqliteDataReader reader, int ordinal) =>
        new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? GetInstantOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static TEnum GetEnum<TEnum>(this SqliteDataReader reader, int ordinal)
        where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(reader.GetString(ordinal));
}
