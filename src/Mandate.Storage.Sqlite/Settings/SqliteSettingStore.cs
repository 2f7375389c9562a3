using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Settings;

/// <summary>Settings are control-plane internals, not entity state: writes never raise a state change.</summary>
internal sealed class SqliteSettingStore(SqliteDatabase database) : ISettingStore
{
    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command("SELECT value FROM settings WHERE key = $key");
            command.Bind([("$key", key)]);
            return (string?)await command.ExecuteScalarAsync(session.CancellationToken);
        }, cancellationToken);

    public Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return database.WriteAsync(
            session => session.ExecuteAsync(
                "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                ("$key", key),
                ("$value", value)),
            cancellationToken);
    }

    public Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return database.WriteAsync(
            async session => await session.ExecuteAsync(
                "INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT (key) DO NOTHING",
                ("$key", key),
                ("$value", value)) > 0,
            cancellationToken);
    }
}
