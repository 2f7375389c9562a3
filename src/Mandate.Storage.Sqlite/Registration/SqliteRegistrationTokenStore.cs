using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Registration;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Registration;

/// <summary>Registration tokens are control-plane internals: writes never raise a state change.</summary>
internal sealed class SqliteRegistrationTokenStore(SqliteDatabase database) : IRegistrationTokenStore
{
    private const string Columns = "id, hash, owner, kind, description, created_by, created_at, expires_at, max_uses, uses, revoked_at";

    public Task AddAsync(RegistrationToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.WriteAsync(async session =>
        {
            if (await session.ExistsAsync("SELECT 1 FROM registration_tokens WHERE id = $id", ("$id", token.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"registration token `{token.Id}` already exists");
            }

            return await session.ExecuteAsync(
                $"INSERT INTO registration_tokens ({Columns}) VALUES ($id, $hash, $owner, $kind, $description, $created_by, $created_at, $expires_at, $max_uses, $uses, $revoked_at)",
                ("$id", token.Id), ("$hash", token.Hash), ("$owner", token.Owner), ("$kind", token.Kind.ToString()), ("$description", token.Description),
                ("$created_by", token.CreatedBy), ("$created_at", token.CreatedAt.ToStored()), ("$expires_at", token.ExpiresAt.ToStored()),
                ("$max_uses", token.MaxUses), ("$uses", token.Uses), ("$revoked_at", token.RevokedAt.ToStored()));
        }, cancellationToken);
    }

    public Task<RegistrationToken?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"SELECT {Columns} FROM registration_tokens WHERE id = $id");
            command.Bind([("$id", id)]);
            return await session.SingleAsync(command, Read);
        }, cancellationToken);

    public Task<Page<RegistrationToken>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(
                $"SELECT {Columns} FROM registration_tokens WHERE ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit");
            command.Bind([("$after", after), ("$limit", limit + 1)]);
            return PageCursor.ToPage(await session.ListAsync(command, Read), limit, token => token.Id);
        }, cancellationToken);
    }

    // One statement: the use is counted only while the token is usable, so concurrent registrations on any number
    // of replicas cannot spend more uses than the token has.
    public Task<RegistrationToken?> TryUseAsync(string id, string hash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
        {
            await using var command = session.Command($"""
                UPDATE registration_tokens SET uses = uses + 1
                WHERE id = $id AND hash = $hash AND revoked_at IS NULL AND expires_at > $now AND uses < max_uses
                RETURNING {Columns}
                """);
            command.Bind([("$id", id), ("$hash", hash), ("$now", now.ToStored())]);
            return await session.SingleAsync(command, Read);
        }, cancellationToken);

    public Task ReturnUseAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(
            session => session.ExecuteAsync("UPDATE registration_tokens SET uses = uses - 1 WHERE id = $id AND uses > 0", ("$id", id)),
            cancellationToken);

    public Task<RegistrationToken?> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
        {
            await using var command = session.Command($"""
                UPDATE registration_tokens SET revoked_at = COALESCE(revoked_at, $at) WHERE id = $id RETURNING {Columns}
                """);
            command.Bind([("$id", id), ("$at", at.ToStored())]);
            return await session.SingleAsync(command, Read);
        }, cancellationToken);

    private static RegistrationToken Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Hash = reader.GetString(1),
        Owner = reader.GetString(2),
        Kind = reader.GetEnum<IdentityKind>(3),
        Description = reader.GetStringOrNull(4),
        CreatedBy = reader.GetString(5),
        CreatedAt = reader.GetInstant(6),
        ExpiresAt = reader.GetInstant(7),
        MaxUses = reader.GetInt32(8),
        Uses = reader.GetInt32(9),
        RevokedAt = reader.GetInstantOrNull(10),
    };
}
