using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Brings a database to <see cref="SchemaMigrations.LatestVersion"/>, refusing one written by a newer build.</summary>
internal static class MigrationRunner
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    public static async Task MigrateAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // journal_mode is persistent in the file; setting it needs no open transaction.
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; " + CreateTable;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var migration in SchemaMigrations.All)
        {
            await database.WriteAsync(session => ApplyAsync(session, migration), cancellationToken);
        }
    }

    private static async Task<bool> ApplyAsync(SqliteSession session, Migration migration)
    {
        // Read inside the write transaction so two processes starting together apply each step once.
        var current = await CurrentVersionAsync(session);
        if (current > SchemaMigrations.LatestVersion)
        {
            throw new InvalidOperationException(
                $"the database schema is at version {current} but this build knows only up to {SchemaMigrations.LatestVersion}; run a newer mandate");
        }

        if (current >= migration.Version)
        {
            return false;
        }

        await session.ExecuteAsync(migration.Sql);
        await session.ExecuteAsync(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at)",
            ("$version", migration.Version),
            ("$name", migration.Name),
            ("$at", DateTimeOffset.UtcNow.ToStored()));
        return true;
    }

    private static async Task<long> CurrentVersionAsync(SqliteSession session)
    {
        await using var command = session.Command("SELECT coalesce(max(version), 0) FROM schema_migrations");
        return (long)(await command.ExecuteScalarAsync(session.CancellationToken))!;
    }
}
