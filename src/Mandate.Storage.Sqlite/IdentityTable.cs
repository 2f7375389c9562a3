using System.Text;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

internal sealed class IdentityTable(SqliteDatabase db, Action changed) : IIdentityStore
{
    private const string Columns =
        "id, kind, display_name, owner, purpose, environment, labels, status, parent, created_at, updated_at, last_used_at, expires_at, version";

    public async Task<Identity> CreateAsync(Identity identity, IReadOnlyList<Credential> credentials, CancellationToken cancellationToken = default)
    {
        var stored = identity with { Version = 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExistsAsync(transaction, "identities", identity.Id, cancellationToken))
            {
                throw new MandateException(ErrorCode.Conflict, $"identity `{identity.Id}` already exists");
            }

            await using (var insert = connection.Command(transaction,
                $"INSERT INTO identities ({Columns}) VALUES ($id, $kind, $name, $owner, $purpose, $env, $labels, $status, $parent, $created, $updated, $used, $expires, 1)",
                Parameters(stored)))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var credential in credentials)
            {
                await CredentialTable.InsertAsync(connection, transaction, credential, cancellationToken);
            }

            return true;
        }, cancellationToken);
        changed();
        return stored;
    }

    public Task<Identity?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM identities WHERE id = $id", ("$id", id));
            return (await query.ListAsync(Map, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public Task<Page<Identity>> ListAsync(IdentityQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        Cursor.Validate(page);
        var after = Cursor.Decode(page.Cursor);
        var sql = new StringBuilder($"SELECT {Columns} FROM identities WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        void Filter(string clause, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(clause);
                parameters.Add((name, value));
            }
        }

        Filter("id > $after", "$after", after);
        Filter("kind = $kind", "$kind", query.Kind?.ToString());
        Filter("status = $status", "$status", query.Status?.ToString());
        Filter("owner = $owner", "$owner", query.Owner);
        Filter("parent = $parent", "$parent", query.Parent);
        Filter("environment = $env", "$env", query.Environment);
        Filter("EXISTS (SELECT 1 FROM json_each(identities.labels) WHERE json_each.key = $lk" +
            (query.LabelValue is null ? ")" : " AND json_each.value = $lv)"), "$lk", query.LabelKey);
        if (query.LabelKey is not null && query.LabelValue is not null)
        {
            parameters.Add(("$lv", query.LabelValue));
        }

        Filter(@"(id LIKE $q ESCAPE '\' OR display_name LIKE $q ESCAPE '\')", "$q",
            query.Search is null ? null : "%" + Sql.LikeLiteral(query.Search) + "%");
        sql.Append(" ORDER BY id LIMIT $limit");
        parameters.Add(("$limit", page.Limit + 1));

        return db.ReadAsync(async connection =>
        {
            await using var command = connection.Command(null, sql.ToString(), [.. parameters]);
            return Cursor.Page(await command.ListAsync(Map, cancellationToken), page, i => i.Id);
        }, cancellationToken);
    }

    public async Task<Identity> UpdateAsync(Identity identity, CancellationToken cancellationToken = default)
    {
        var stored = identity with { Version = identity.Version + 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.Command(transaction, """
                UPDATE identities SET kind = $kind, display_name = $name, owner = $owner, purpose = $purpose, environment = $env,
                    labels = $labels, status = $status, parent = $parent, created_at = $created, updated_at = $updated,
                    last_used_at = $used, expires_at = $expires, version = version + 1
                WHERE id = $id AND version = $version
                """, [.. Parameters(identity), ("$version", identity.Version)]);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw await connection.UpdateMissAsync(transaction, "identities", "identity", identity.Id, identity.Version, cancellationToken);
            }

            return true;
        }, cancellationToken);
        changed();
        return stored;
    }

    public Task TouchAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var touch = connection.Command(transaction,
                "UPDATE identities SET last_used_at = MAX(COALESCE(last_used_at, 0), $used) WHERE id = $id", ("$id", id), ("$used", usedAt.UtcTicks));
            return await touch.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public IAsyncEnumerable<Identity> ScanAsync(CancellationToken cancellationToken = default) =>
        db.ScanAsync($"SELECT {Columns} FROM identities ORDER BY id", Map, cancellationToken);


    private static (string, object?)[] Parameters(Identity i) =>
    [
        ("$id", i.Id), ("$kind", i.Kind.ToString()), ("$name", i.DisplayName), ("$owner", i.Owner), ("$purpose", i.Purpose),
        ("$env", i.Environment), ("$labels", StoreJson.Write(i.Labels)), ("$status", i.Status.ToString()), ("$parent", i.Parent),
        ("$created", i.CreatedAt.UtcTicks), ("$updated", i.UpdatedAt.UtcTicks), ("$used", Sql.Ticks(i.LastUsedAt)), ("$expires", Sql.Ticks(i.ExpiresAt)),
    ];

    private static Identity Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = Enum.Parse<IdentityKind>(r.GetString(1)),
        DisplayName = r.GetString(2),
        Owner = r.OptionalString(3),
        Purpose = r.OptionalString(4),
        Environment = r.OptionalString(5),
        Labels = StoreJson.Read<Dictionary<string, string>>(r.GetString(6)).AsReadOnly(),
        Status = Enum.Parse<IdentityStatus>(r.GetString(7)),
        Parent = r.OptionalString(8),
        CreatedAt = r.Time(9),
        UpdatedAt = r.Time(10),
        LastUsedAt = r.OptionalTime(11),
        ExpiresAt = r.OptionalTime(12),
        Version = r.GetInt64(13),
    };
}
