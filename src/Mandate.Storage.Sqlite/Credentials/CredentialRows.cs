using Mandate.Core.Credentials;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Credentials;

/// <summary>Credential columns and their mapping; material is JSON with its kind discriminator.</summary>
internal static class CredentialRows
{
    public const string Columns =
        "id, identity_id, material, description, status, created_at, expires_at, last_used_at, rotated_at, revoked_at, version";

    public static Credential Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        IdentityId = reader.GetString(1),
        Material = StoreJson.Read<CredentialMaterial>(reader.GetString(2)),
        Description = reader.GetStringOrNull(3),
        Status = reader.GetEnum<CredentialStatus>(4),
        CreatedAt = reader.GetInstant(5),
        ExpiresAt = reader.GetInstantOrNull(6),
        LastUsedAt = reader.GetInstantOrNull(7),
        RotatedAt = reader.GetInstantOrNull(8),
        RevokedAt = reader.GetInstantOrNull(9),
        Version = reader.GetInt64(10),
    };

    public static (string, object?)[] Parameters(Credential credential) =>
    [
        ("$id", credential.Id),
        ("$identity_id", credential.IdentityId),
        ("$kind", credential.Kind.ToString()),
        ("$material", StoreJson.Write(credential.Material)),
        ("$api_key_prefix", (credential.Material as ApiKeyMaterial)?.Prefix),
        ("$description", credential.Description),
        ("$status", credential.Status.ToString()),
        ("$created_at", credential.CreatedAt.ToStored()),
        ("$expires_at", credential.ExpiresAt.ToStored()),
        ("$last_used_at", credential.LastUsedAt.ToStored()),
        ("$rotated_at", credential.RotatedAt.ToStored()),
        ("$revoked_at", credential.RevokedAt.ToStored()),
        ("$version", credential.Version),
    ];
}
