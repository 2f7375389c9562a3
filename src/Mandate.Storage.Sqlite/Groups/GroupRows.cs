using Mandate.Core.Groups;
using Mandate.Storage.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite.Groups;

/// <summary>Group and membership columns and their mapping.</summary>
internal static class GroupRows
{
    public const string Columns = "id, kind, display_name, description, owner, created_at, updated_at, version";

    public const string MembershipColumns = "group_id, member_id, member_is_group, created_at";

    public static Group Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Kind = reader.GetEnum<GroupKind>(1),
        DisplayName = reader.GetString(2),
        Description = reader.GetStringOrNull(3),
        Owner = reader.GetStringOrNull(4),
        CreatedAt = reader.GetInstant(5),
        UpdatedAt = reader.GetInstant(6),
        Version = reader.GetInt64(7),
    };

    public static Membership ReadMembership(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetInstant(3));

    public static (string, object?)[] Parameters(Group group) =>
    [
        ("$id", group.Id),
        ("$kind", group.Kind.ToString()),
        ("$display_name", group.DisplayName),
        ("$description", group.Description),
        ("$owner", group.Owner),
        ("$created_at", group.CreatedAt.ToStored()),
        ("$updated_at", group.UpdatedAt.ToStored()),
        ("$version", group.Version),
    ];
}
