using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Migrations;

/// <summary>Applies pending migrations, each in its own transaction, exactly once.</summary>
internal static class Migrator
{
    public static async Task MigrateAsync(SqliteConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version      INTEGER PRIMARY KEY,
                    description  TEXT NOT NULL,
                    applied_at   INTEGER NOT NULL
                );
                """;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var current = await CurrentVersionAsync(connection, cancellationToken);
        if (current > Schema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"the database schema is at version {current}, newer than this Mandate knows ({Schema.LatestVersion}); run a newer Mandate");
        }

        foreach (var (version, description, sql) in Schema.Migrations.Where(m => m.Version > current))
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = sql;
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($v, $d, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$d", description);
                record.Parameters.AddWithValue("$t", time.GetUtcNow().UtcTicks);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    public static async Task<int> CurrentVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
