using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Credentials;

/// <summary>The credential insert, shared by adding a credential and creating an identity with its first ones.</summary>
internal static class CredentialWrites
{
    private const string Insert = """
        INSERT INTO credentials (id, identity_id, kind, material, api_key_prefix, description, status,
            created_at, expires_at, last_used_at, rotated_at, revoked_at, version)
        VALUES ($id, $identity_id, $kind, $material, $api_key_prefix, $description, $status,
            $created_at, $expires_at, $last_used_at, $rotated_at, $revoked_at, $version)
        """;

    public static async Task<Credential> InsertAsync(SqliteSession session, Credential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (await session.ExistsAsync("SELECT 1 FROM credentials WHERE id = $id", ("$id", credential.Id)))
        {
            throw new MandateException(ErrorCode.Conflict, $"credential `{credential.Id}` already exists");
        }

        if (credential.Material is ApiKeyMaterial apiKey
            && await session.ExistsAsync("SELECT 1 FROM credentials WHERE api_key_prefix = $prefix", ("$prefix", apiKey.Prefix)))
        {
            throw new MandateException(ErrorCode.Conflict, $"an api key with prefix `{apiKey.Prefix}` already exists");
        }

        var stored = credential with { Version = 1 };
        await session.ExecuteAsync(Insert, CredentialRows.Parameters(stored));
        return stored;
    }
}
