using Mandate.Core.Errors;
using Mandate.Core.Policies;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Policies;

internal sealed class SqlitePolicyStore(SqliteDatabase database) : IPolicyStore
{
    private const string Columns = "id, text, description, enabled, created_at, updated_at, version";
    private const string Select = $"SELECT {Columns} FROM policies";

    public Task<PolicyDocument> CreateAsync(PolicyDocument policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return database.WriteAsync(async session =>
        {
            if (await session.ExistsAsync("SELECT 1 FROM policies WHERE id = $id", ("$id", policy.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"policy `{policy.Id}` already exists");
            }

            var created = policy with { Version = 1 };
            await session.ExecuteAsync(
                $"INSERT INTO policies ({Columns}) VALUES ($id, $text, $description, $enabled, $created_at, $updated_at, $version)",
                Parameters(created));
            session.MarkStateChanged();
            return created;
        }, cancellationToken);
    }

    public Task<PolicyDocument?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{Select} WHERE id = $id");
            command.Bind([("$id", id)]);
            return await session.SingleAsync(command, Read);
        }, cancellationToken);

    public Task<Page<PolicyDocument>> ListAsync(bool? enabled, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(
                $"{Select} WHERE ($enabled IS NULL OR enabled = $enabled) AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit");
            command.Bind([("$enabled", enabled), ("$after", after), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, Read);
            return PageCursor.ToPage(rows, limit, policy => policy.Id);
        }, cancellationToken);
    }

    public Task<PolicyDocument> UpdateAsync(PolicyDocument policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return database.WriteAsync(async session =>
        {
            var changed = await session.ExecuteAsync(
                """
                UPDATE policies SET text = $text, description = $description, enabled = $enabled,
                    created_at = $created_at, updated_at = $updated_at, version = version + 1
                WHERE id = $id AND version = $version
                """,
                Parameters(policy));
            if (changed == 0)
            {
                throw await session.UpdateRefusedAsync("policies", "policy", policy.Id);
            }

            session.MarkStateChanged();
            return policy with { Version = policy.Version + 1 };
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
        {
            var deleted = await session.ExecuteAsync("DELETE FROM policies WHERE id = $id", ("$id", id)) > 0;
            if (deleted)
            {
                session.MarkStateChanged();
            }

            return deleted;
        }, cancellationToken);

    public IAsyncEnumerable<PolicyDocument> ScanAsync(CancellationToken cancellationToken = default) =>
        database.ScanAsync($"{Select} ORDER BY id", Read, cancellationToken);

    private static PolicyDocument Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Text = reader.GetString(1),
        Description = reader.GetStringOrNull(2),
        Enabled = reader.GetBoolean(3),
        CreatedAt = reader.GetInstant(4),
        UpdatedAt = reader.GetInstant(5),
        Version = reader.GetInt64(6),
    };

    private static (string, object?)[] Parameters(PolicyDocument policy) =>
    [
        ("$id", policy.Id),
        ("$text", policy.Text),
        ("$description", policy.Description),
        ("$enabled", policy.Enabled),
        ("$created_at", policy.CreatedAt.ToStored()),
        ("$updated_at", policy.UpdatedAt.ToStored()),
        ("$version", policy.Version),
    ];
}
