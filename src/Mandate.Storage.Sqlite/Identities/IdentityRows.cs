using Mandate.Core.Identities;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Identities;

/// <summary>Identity columns and their mapping.</summary>
internal static class IdentityRows
{
    public const string Columns =
        "id, kind, display_name, owner, purpose, environment, labels, status, parent, created_at, updated_at, last_used_at, expires_at, version";

    public static Identity Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Kind = reader.GetEnum<IdentityKind>(1),
        DisplayName = reader.GetString(2),
        Owner = reader.GetStringOrNull(3),
        Purpose = reader.GetStringOrNull(4),
        Environment = reader.GetStringOrNull(5),
        Labels = StoreJson.Read<Dictionary<string, string>>(reader.GetString(6)).AsReadOnly(),
        Status = reader.GetEnum<IdentityStatus>(7),
        Parent = reader.GetStringOrNull(8),
        CreatedAt = reader.GetInstant(9),
        UpdatedAt = reader.GetInstant(10),
        LastUsedAt = reader.GetInstantOrNull(11),
        ExpiresAt = reader.GetInstantOrNull(12),
        Version = reader.GetInt64(13),
    };

    public static (string, object?)[] Parameters(Identity identity) =>
    [
        ("$id", identity.Id),
        ("$kind", identity.Kind.ToString()),
        ("$display_name", identity.DisplayName),
        ("$owner", identity.Owner),
        ("$purpose", identity.Purpose),
        ("$environment", identity.Environment),
        ("$labels", StoreJson.Write(identity.Labels)),
        ("$status", identity.Status.ToString()),
        ("$parent", identity.Parent),
        ("$created_at", identity.CreatedAt.ToStored()),
        ("$updated_at", identity.UpdatedAt.ToStored()),
        ("$last_used_at", identity.LastUsedAt.ToStored()),
        ("$expires_at", identity.ExpiresAt.ToStored()),
        ("$version", identity.Version),
    ];
}
