using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Credentials;

internal sealed class SqliteCredentialStore(SqliteDatabase database) : ICredentialStore
{
    private const string Select = $"SELECT {CredentialRows.Columns} FROM credentials";

    // last_used_at only moves forward, so an update built from a stale read cannot erase a newer touch.
    private const string Update = """
        UPDATE credentials SET identity_id = $identity_id, kind = $kind, material = $material,
            api_key_prefix = $api_key_prefix, description = $description, status = $status,
            created_at = $created_at, expires_at = $expires_at, rotated_at = $rotated_at, revoked_at = $revoked_at,
            last_used_at = CASE WHEN $last_used_at IS NULL THEN last_used_at
                                WHEN last_used_at IS NULL OR $last_used_at > last_used_at THEN $last_used_at
                                ELSE last_used_at END,
            version = version + 1
        WHERE id = $id AND version = $version
        RETURNING last_used_at
        """;

    public Task<Credential> AddAsync(Credential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return database.WriteAsync(async session =>
        {
            if (!await session.ExistsAsync("SELECT 1 FROM identities WHERE id = $id", ("$id", credential.IdentityId)))
            {
                throw MandateException.NotFound("identity", credential.IdentityId);
            }

            var stored = await CredentialWrites.InsertAsync(session, credential);
            session.MarkStateChanged();
            return stored;
        }, cancellationToken);
    }

    public Task<Credential?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{Select} WHERE id = $id");
            command.Bind([("$id", id)]);
            return await session.SingleAsync(command, CredentialRows.Read);
        }, cancellationToken);

    public Task<Page<Credential>> ListAsync(string? identityId, CredentialKind? kind, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command($"""
                {Select}
                WHERE ($identity_id IS NULL OR identity_id = $identity_id) AND ($kind IS NULL OR kind = $kind)
                  AND ($after IS NULL OR id > $after)
                ORDER BY id LIMIT $limit
                """);
            command.Bind([("$identity_id", identityId), ("$kind", kind?.ToString()), ("$after", after), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, CredentialRows.Read);
            return PageCursor.ToPage(rows, limit, credential => credential.Id);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Credential>> ListForIdentityAsync(string identityId, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<Credential>>(async session =>
        {
            await using var command = session.Command($"{Select} WHERE identity_id = $identity_id ORDER BY id");
            command.Bind([("$identity_id", identityId)]);
            return await session.ListAsync(command, CredentialRows.Read);
        }, cancellationToken);

    public Task<Credential?> FindApiKeyAsync(string prefix, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{Select} WHERE api_key_prefix = $prefix");
            command.Bind([("$prefix", prefix)]);
            return await session.SingleAsync(command, CredentialRows.Read);
        }, cancellationToken);

    public Task<Credential> UpdateAsync(Credential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return database.WriteAsync(async session =>
        {
            if (credential.Material is ApiKeyMaterial apiKey && await session.ExistsAsync(
                    "SELECT 1 FROM credentials WHERE api_key_prefix = $prefix AND id <> $id", ("$prefix", apiKey.Prefix), ("$id", credential.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"an api key with prefix `{apiKey.Prefix}` already exists");
            }

            var lastUsed = await session.UpdateReturningLastUseAsync(Update, CredentialRows.Parameters(credential), "credentials", "credential", credential.Id);
            session.MarkStateChanged();
            return credential with { Version = credential.Version + 1, LastUsedAt = lastUsed };
        }, cancellationToken);
    }

    public Task TouchAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(session => session.TouchAsync("credentials", id, usedAt), cancellationToken);
}
