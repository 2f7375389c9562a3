using Mandate.Core.Errors;
using Mandate.Core.Policies;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

internal sealed class PolicyTable(SqliteDatabase db, Action changed) : IPolicyStore
{
    private const string Columns = "id, text, description, enabled, created_at, updated_at, version";

    public async Task<PolicyDocument> CreateAsync(PolicyDocument policy, CancellationToken cancellationToken = default)
    {
        var stored = policy with { Version = 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExistsAsync(transaction, "policies", policy.Id, cancellationToken))
            {
                throw new MandateException(ErrorCode.Conflict, $"policy `{policy.Id}` already exists");
            }

            await using var insert = connection.Command(transaction,
                $"INSERT INTO policies ({Columns}) VALUES ($id, $text, $description, $enabled, $created, $updated, 1)", Parameters(stored));
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        changed();
        return stored;
    }

    public Task<PolicyDocument?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM policies WHERE id = $id", ("$id", id));
            return (await query.ListAsync(Map, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public Task<Page<PolicyDocument>> ListAsync(bool? enabled, PageRequest page, CancellationToken cancellationToken = default)
    {
        Cursor.Validate(page);
        var after = Cursor.Decode(page.Cursor);
        return db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null,
                $"SELECT {Columns} FROM policies WHERE ($enabled IS NULL OR enabled = $enabled) AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit",
                ("$enabled", enabled is null ? null : enabled.Value ? 1 : 0), ("$after", after), ("$limit", page.Limit + 1));
            return Cursor.Page(await query.ListAsync(Map, cancellationToken), page, p => p.Id);
        }, cancellationToken);
    }

    public async Task<PolicyDocument> UpdateAsync(PolicyDocument policy, CancellationToken cancellationToken = default)
    {
        var stored = policy with { Version = policy.Version + 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.Command(transaction, """
                UPDATE policies SET text = $text, description = $description, enabled = $enabled, created_at = $created,
                    updated_at = $updated, version = version + 1
                WHERE id = $id AND version = $version
                """, [.. Parameters(policy), ("$version", policy.Version)]);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw await connection.UpdateMissAsync(transaction, "policies", "policy", policy.Id, policy.Version, cancellationToken);
            }

            return true;
        }, cancellationToken);
        changed();
        return stored;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await db.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = connection.Command(transaction, "DELETE FROM policies WHERE id = $id", ("$id", id));
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
        if (deleted)
        {
            changed();
        }

        return deleted;
    }

    public IAsyncEnumerable<PolicyDocument> ScanAsync(CancellationToken cancellationToken = default) =>
        db.ScanAsync($"SELECT {Columns} FROM policies ORDER BY id", Map, cancellationToken);


    private static (string, object?)[] Parameters(PolicyDocument p) =>
    [
        ("$id", p.Id), ("$text", p.Text), ("$description", p.Description), ("$enabled", p.Enabled ? 1 : 0),
        ("$created", p.CreatedAt.UtcTicks), ("$updated", p.UpdatedAt.UtcTicks),
    ];

    private static PolicyDocument Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Text = r.GetString(1),
        Description = r.OptionalString(2),
        Enabled = r.GetInt64(3) != 0,
        CreatedAt = r.Time(4),
        UpdatedAt = r.Time(5),
        Version = r.GetInt64(6),
    };
}
