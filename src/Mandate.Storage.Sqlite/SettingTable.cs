using Mandate.Core.Storage;

namespace Mandate.Storage.Sqlite;

internal sealed class SettingTable(SqliteDatabase db) : ISettingStore
{
    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, "SELECT value FROM settings WHERE key = $key", ("$key", key));
            return await query.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task SetAsync(string key, string value, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var upsert = connection.Command(transaction,
                "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ("$key", key), ("$value", value));
            return await upsert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = connection.Command(transaction, "INSERT OR IGNORE INTO settings (key, value) VALUES ($key, $value)", ("$key", key), ("$value", value));
            return await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
}
