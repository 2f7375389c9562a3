using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

internal sealed class GroupTable(SqliteDatabase db, Action changed) : IGroupStore
{
    private const string Columns = "id, kind, display_name, description, owner, created_at, updated_at, version";
    private const string MembershipColumns = "group_id, member_id, member_is_group, created_at";

    public async Task<Group> CreateAsync(Group group, CancellationToken cancellationToken = default)
    {
        var stored = group with { Version = 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExistsAsync(transaction, "groups", group.Id, cancellationToken))
            {
                throw new MandateException(ErrorCode.Conflict, $"group `{group.Id}` already exists");
            }

            await using var insert = connection.Command(transaction,
                $"INSERT INTO groups ({Columns}) VALUES ($id, $kind, $name, $description, $owner, $created, $updated, 1)", Parameters(stored));
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        changed();
        return stored;
    }

    public Task<Group?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null, $"SELECT {Columns} FROM groups WHERE id = $id", ("$id", id));
            return (await query.ListAsync(Map, cancellationToken)).FirstOrDefault();
        }, cancellationToken);

    public Task<Page<Group>> ListAsync(GroupKind? kind, PageRequest page, CancellationToken cancellationToken = default)
    {
        Cursor.Validate(page);
        var after = Cursor.Decode(page.Cursor);
        return db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null,
                $"SELECT {Columns} FROM groups WHERE ($kind IS NULL OR kind = $kind) AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit",
                ("$kind", kind?.ToString()), ("$after", after), ("$limit", page.Limit + 1));
            return Cursor.Page(await query.ListAsync(Map, cancellationToken), page, g => g.Id);
        }, cancellationToken);
    }

    public async Task<Group> UpdateAsync(Group group, CancellationToken cancellationToken = default)
    {
        var stored = group with { Version = group.Version + 1 };
        await db.WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.Command(transaction, """
                UPDATE groups SET kind = $kind, display_name = $name, description = $description, owner = $owner,
                    created_at = $created, updated_at = $updated, version = version + 1
                WHERE id = $id AND version = $version
                """, [.. Parameters(group), ("$version", group.Version)]);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw await connection.UpdateMissAsync(transaction, "groups", "group", group.Id, group.Version, cancellationToken);
            }

            return true;
        }, cancellationToken);
        changed();
        return stored;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await db.WriteAsync(async (connection, transaction) =>
        {
            // Edges where the group is the member are not covered by the foreign key's cascade.
            await using (var edges = connection.Command(transaction, "DELETE FROM memberships WHERE member_id = $id AND member_is_group = 1", ("$id", id)))
            {
                await edges.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var delete = connection.Command(transaction, "DELETE FROM groups WHERE id = $id", ("$id", id));
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
        if (deleted)
        {
            changed();
        }

        return deleted;
    }

    public async Task<bool> AddMemberAsync(Membership membership, CancellationToken cancellationToken = default)
    {
        var added = await db.WriteAsync(async (connection, transaction) =>
        {
            if (!await connection.ExistsAsync(transaction, "groups", membership.GroupId, cancellationToken))
            {
                throw MandateException.NotFound("group", membership.GroupId);
            }

            if (!await connection.ExistsAsync(transaction, membership.MemberIsGroup ? "groups" : "identities", membership.MemberId, cancellationToken))
            {
                throw MandateException.NotFound(membership.MemberIsGroup ? "group" : "identity", membership.MemberId);
            }

            if (membership.MemberIsGroup && await WouldCycleAsync(connection, transaction, membership, cancellationToken))
            {
                throw new MandateException(ErrorCode.Conflict,
                    $"adding group `{membership.MemberId}` to `{membership.GroupId}` would make a membership cycle");
            }

            await using var insert = connection.Command(transaction,
                $"INSERT OR IGNORE INTO memberships ({MembershipColumns}) VALUES ($group, $member, $isGroup, $created)",
                ("$group", membership.GroupId), ("$member", membership.MemberId), ("$isGroup", membership.MemberIsGroup ? 1 : 0),
                ("$created", membership.CreatedAt.UtcTicks));
            return await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
        if (added)
        {
            changed();
        }

        return added;
    }

    public async Task<bool> RemoveMemberAsync(string groupId, string memberId, CancellationToken cancellationToken = default)
    {
        var removed = await db.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = connection.Command(transaction,
                "DELETE FROM memberships WHERE group_id = $group AND member_id = $member", ("$group", groupId), ("$member", memberId));
            return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
        if (removed)
        {
            changed();
        }

        return removed;
    }

    public Task<Page<Membership>> ListMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken = default)
    {
        Cursor.Validate(page);
        var after = Cursor.Decode(page.Cursor);
        return db.ReadAsync(async connection =>
        {
            await using var query = connection.Command(null,
                $"SELECT {MembershipColumns} FROM memberships WHERE group_id = $group AND ($after IS NULL OR member_id > $after) ORDER BY member_id LIMIT $limit",
                ("$group", groupId), ("$after", after), ("$limit", page.Limit + 1));
            return Cursor.Page(await query.ListAsync(MapMembership, cancellationToken), page, m => m.MemberId);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Membership>> ListMembershipsAsync(string memberId, CancellationToken cancellationToken = default) =>
        db.ReadAsync<IReadOnlyList<Membership>>(async connection =>
        {
            await using var query = connection.Command(null,
                $"SELECT {MembershipColumns} FROM memberships WHERE member_id = $member ORDER BY group_id", ("$member", memberId));
            return await query.ListAsync(MapMembership, cancellationToken);
        }, cancellationToken);

    public IAsyncEnumerable<Group> ScanAsync(CancellationToken cancellationToken = default) =>
        db.ScanAsync($"SELECT {Columns} FROM groups ORDER BY id", Map, cancellationToken);

    public IAsyncEnumerable<Membership> ScanMembershipsAsync(CancellationToken cancellationToken = default) =>
        db.ScanAsync($"SELECT {MembershipColumns} FROM memberships ORDER BY group_id, member_id", MapMembership, cancellationToken);

    /// <summary>A group may not (transitively) contain a group that contains it.</summary>
    private static async Task<bool> WouldCycleAsync(SqliteConnection connection, SqliteTransaction transaction, Membership membership, CancellationToken cancellationToken)
    {
        if (membership.GroupId == membership.MemberId)
        {
            return true;
        }

        await using var query = connection.Command(transaction, """
            WITH RECURSIVE ancestors(id) AS (
                SELECT group_id FROM memberships WHERE member_id = $group AND member_is_group = 1
                UNION
                SELECT m.group_id FROM memberships m JOIN ancestors a ON m.member_id = a.id AND m.member_is_group = 1
            )
            SELECT 1 FROM ancestors WHERE id = $member LIMIT 1
            """, ("$group", membership.GroupId), ("$member", membership.MemberId));
        return await query.ExecuteScalarAsync(cancellationToken) is not null;
    }


    private static (string, object?)[] Parameters(Group g) =>
    [
        ("$id", g.Id), ("$kind", g.Kind.ToString()), ("$name", g.DisplayName), ("$description", g.Description), ("$owner", g.Owner),
        ("$created", g.CreatedAt.UtcTicks), ("$updated", g.UpdatedAt.UtcTicks),
    ];

    private static Group Map(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = Enum.Parse<GroupKind>(r.GetString(1)),
        DisplayName = r.GetString(2),
        Description = r.OptionalString(3),
        Owner = r.OptionalString(4),
        CreatedAt = r.Time(5),
        UpdatedAt = r.Time(6),
        Version = r.GetInt64(7),
    };

    private static Membership MapMembership(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, r.Time(3));
}
