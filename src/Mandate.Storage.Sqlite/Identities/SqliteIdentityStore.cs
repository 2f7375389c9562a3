using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Credentials;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Identities;

internal sealed class SqliteIdentityStore(SqliteDatabase database) : IIdentityStore
{
    private const string Insert = $"""
        INSERT INTO identities ({IdentityRows.Columns})
        VALUES ($id, $kind, $display_name, $owner, $purpose, $environment, $labels, $status, $parent,
                $created_at, $updated_at, $last_used_at, $expires_at, $version)
        """;

    // last_used_at only moves forward, so an update built from a stale read cannot erase a newer touch.
    private const string Update = """
        UPDATE identities SET kind = $kind, display_name = $display_name, owner = $owner, purpose = $purpose,
            environment = $environment, labels = $labels, status = $status, parent = $parent,
            created_at = $created_at, updated_at = $updated_at, expires_at = $expires_at,
            last_used_at = CASE WHEN $last_used_at IS NULL THEN last_used_at
                                WHEN last_used_at IS NULL OR $last_used_at > last_used_at THEN $last_used_at
                                ELSE last_used_at END,
            version = version + 1
        WHERE id = $id AND version = $version
        RETURNING last_used_at
        """;

    public Task<Identity> CreateAsync(Identity identity, IReadOnlyList<Credential> credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(credentials);
        foreach (var credential in credentials)
        {
            if (credential.IdentityId != identity.Id)
            {
                throw MandateException.Invalid("credentials", $"credential `{credential.Id}` belongs to another identity");
            }
        }

        return database.WriteAsync(async session =>
        {
            if (await session.ExistsAsync("SELECT 1 FROM identities WHERE id = $id", ("$id", identity.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"identity `{identity.Id}` already exists");
            }

            // A membership names its member by id alone (PUT /v1/groups/{id}/members/{member}), so one id may not be
            // both an identity and a group.
            if (await session.ExistsAsync("SELECT 1 FROM groups WHERE id = $id", ("$id", identity.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"`{identity.Id}` is already a group's id; identities and groups share one set of ids");
            }

            var created = identity with { Version = 1 };
            await session.ExecuteAsync(Insert, IdentityRows.Parameters(created));
            foreach (var credential in credentials)
            {
                await CredentialWrites.InsertAsync(session, credential);
            }

            session.MarkStateChanged();
            return created;
        }, cancellationToken);
    }

    public Task<Identity?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"SELECT {IdentityRows.Columns} FROM identities WHERE id = $id");
            command.Bind([("$id", id)]);
            return await session.SingleAsync(command, IdentityRows.Read);
        }, cancellationToken);

    public Task<Page<Identity>> ListAsync(IdentityQuery query, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        var parameters = new List<(string, object?)> { ("$limit", limit + 1) };
        var where = IdentityFilter.Where(query, after, parameters);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command($"SELECT {IdentityRows.Columns} FROM identities WHERE {where} ORDER BY id LIMIT $limit");
            command.Bind(parameters.ToArray());
            var rows = await session.ListAsync(command, IdentityRows.Read);
            return PageCursor.ToPage(rows, limit, identity => identity.Id);
        }, cancellationToken);
    }

    public Task<Identity> UpdateAsync(Identity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return database.WriteAsync(async session =>
        {
            var lastUsed = await session.UpdateReturningLastUseAsync(Update, IdentityRows.Parameters(identity), "identities", "identity", identity.Id);
            session.MarkStateChanged();
            return identity with { Version = identity.Version + 1, LastUsedAt = lastUsed };
        }, cancellationToken);
    }

    public Task TouchAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default) =>
        database.WriteAsync(session => session.TouchAsync("identities", id, usedAt), cancellationToken);

    public IAsyncEnumerable<Identity> ScanAsync(CancellationToken cancellationToken = default) =>
        database.ScanAsync($"SELECT {IdentityRows.Columns} FROM identities ORDER BY id", IdentityRows.Read, cancellationToken);
}
