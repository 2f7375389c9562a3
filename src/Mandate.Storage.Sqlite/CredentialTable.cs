using System.Text;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

internal sealed class CredentialTable(SqliteDatabase db, Action changed) : ICredentialStore
{
    private const string Columns =
        "id, identity_id, status, material, description, created_at, expires_at, last_used_at, rotated_at, revoked_at, version";

    public async Task<Credential> AddAsync(Credential credential, CancellationToken cancellationToken = default)
    {
        var stored = await db.WriteAsync(async (connection, transaction) =>
        {
            if (!await connection.ExistsAsync(transaction, "identities", credential.IdentityId, cancellationToken))
            {
                throw MandateException.NotFound("identity", credential.IdentityId);
            }

            return await InsertAsync(connection, transaction, credential, cancellationToken);
        }, cancellationToken);
        changed();
        return stored;
    }

    internal static async Task<Credential> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, Credential credential, CancellationToken cancellationToken)
    {
        var stored = credential with { Version = 1 };
        if (await connection.ExistsAsync(transaction, "credentials", credential.Id, cancellationToken))
        {
            throw new MandateException(ErrorCode.Conflict, $"credential `{credential.Id}` already exists");
        }

        await using var insert = connection.Command(transaction,
            $"INSERT INTO credentials (kind, api_key_prefix, {Columns}) VALUES ($kind, $prefix, $id, $identity, $status, $material, $description, $created, $expires, $used, $rotated, $revoked, 1)",
            Parameters(stored));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return stored;
    }

    public Task<Credential?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM credentials WHERE id = $id", ("$id", id));
            return (await query.ListAsync(Map, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public Task<Page<Credential>> ListAsync(string? identityId, CredentialKind? kind, PageRequest page, CancellationToken cancellationToken = default)
    {
        Cursor.Validate(page);
        var after = Cursor.Decode(page.Cursor);
        var sql = new StringBuilder($"SELECT {Columns} FROM credentials WHERE 1 = 1");
        if (identityId is not null)
        {
            sql.Append(" AND identity_id = $identity");
        }

        if (kind is not null)
        {
            sql.Append(" AND kind = $kind");
        }

        if (after is not null)
        {
            sql.Append(" AND id > $after");
        }

        sql.Append(" ORDER BY id LIMIT $limit");
        return db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, sql.ToString(),
                ("$identity", identityId), ("$kind", kind?.ToString()), ("$after", after), ("$limit", page.Limit + 1));
            return Cursor.Page(await query.ListAsync(Map, cancellationToken), page, c => c.Id);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Credential>> ListForIdentityAsync(string identityId, CancellationToken cancellationToken = default) =>
        db.ReadAsync<IReadOnlyList<Credential>>(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM credentials WHERE identity_id = $identity ORDER BY id", ("$identity", identityId));
            return await query.ListAsync(Map, cancellationToken);
        }, cancellationToken);

    public Task<Credential?> FindApiKeyAsync(string prefix, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM credentials WHERE api_key_prefix = $prefix", ("$prefix", prefix));
            return (await query.ListAsync(Map, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public async Task<Credential> UpdateAsync(Credential credential, CancellationToken cancellationToken = default)
    {
        var stored = credential with { Version = credential.Version + 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.Command(transaction, """
                UPDATE credentials SET kind = $kind, api_key_prefix = $prefix, identity_id = $identity, status = $status, material = $material,
                    description = $description, created_at = $created, expires_at = $expires, last_used_at = $used, rotated_at = $rotated,
                    revoked_at = $revoked, version = version + 1
                WHERE id = $id AND version = $version
                """, [.. Parameters(credential), ("$version", credential.Version)]);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw await connection.UpdateMissAsync(transaction, "credentials", "credential", credential.Id, credential.Version, cancellationToken);
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
                "UPDATE credentials SET last_used_at = MAX(COALESCE(last_used_at, 0), $used) WHERE id = $id", ("$id", id), ("$used", usedAt.UtcTicks));
            return await touch.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private static (string, object?)[] Parameters(Credential c) =>
    [
        ("$id", c.Id), ("$identity", c.IdentityId), ("$kind", c.Kind.ToString()), ("$status", c.Status.ToString()),
        ("$material", StoreJson.Write(c.Material)), ("$prefix", (c.Material as ApiKeyMaterial)?.Prefix), ("$description", c.Description),
        ("$created", c.CreatedAt.UtcTicks), ("$expires", Sql.Ticks(c.ExpiresAt)), ("$used", Sql.Ticks(c.LastUsedAt)),
        ("$rotated", Sql.Ticks(c.RotatedAt)), ("$revoked", Sql.Ticks(c.RevokedAt)),
    ];

    private static Credential Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        IdentityId = r.GetString(1),
        Status = Enum.Parse<CredentialStatus>(r.GetString(2)),
        Material = StoreJson.Read<CredentialMaterial>(r.GetString(3)),
        Description = r.OptionalString(4),
        CreatedAt = r.Time(5),
        ExpiresAt = r.OptionalTime(6),
        LastUsedAt = r.OptionalTime(7),
        RotatedAt = r.OptionalTime(8),
        RevokedAt = r.OptionalTime(9),
        Version = r.GetInt64(10),
    };
}
