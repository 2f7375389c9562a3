using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Groups;

/// <summary>Membership edges.</summary>
internal sealed partial class SqliteGroupStore
{
    private const string SelectMemberships = $"SELECT {GroupRows.MembershipColumns} FROM memberships";

    // Adding group M into group G makes a cycle exactly when G is M itself or already lies below M.
    private const string ReachesGroup = """
        WITH RECURSIVE below (id) AS (
            SELECT $member
            UNION
            SELECT m.member_id FROM memberships m JOIN below ON m.group_id = below.id WHERE m.member_is_group = 1
        )
        SELECT 1 FROM below WHERE id = $group LIMIT 1
        """;

    public Task<bool> AddMemberAsync(Membership membership, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return database.WriteAsync(async session =>
        {
            if (!await session.ExistsAsync("SELECT 1 FROM groups WHERE id = $id", ("$id", membership.GroupId)))
            {
                throw MandateException.NotFound("group", membership.GroupId);
            }

            var memberTable = membership.MemberIsGroup ? "groups" : "identities";
            if (!await session.ExistsAsync($"SELECT 1 FROM {memberTable} WHERE id = $id", ("$id", membership.MemberId)))
            {
                throw MandateException.NotFound(membership.MemberIsGroup ? "group" : "identity", membership.MemberId);
            }

            if (await session.ExistsAsync(
                    "SELECT 1 FROM memberships WHERE group_id = $group AND member_id = $member",
                    ("$group", membership.GroupId),
                    ("$member", membership.MemberId)))
            {
                return false;
            }

            if (membership.MemberIsGroup
                && await session.ExistsAsync(ReachesGroup, ("$group", membership.GroupId), ("$member", membership.MemberId)))
            {
                throw new MandateException(
                    ErrorCode.Conflict,
                    $"adding group `{membership.MemberId}` to group `{membership.GroupId}` would make a membership cycle");
            }

            await session.ExecuteAsync(
                $"INSERT INTO memberships ({GroupRows.MembershipColumns}) VALUES ($group, $member, $is_group, $created_at)",
                ("$group", membership.GroupId),
                ("$member", membership.MemberId),
                ("$is_group", membership.MemberIsGroup),
                ("$created_at", membership.CreatedAt.ToStored()));
            session.MarkStateChanged();
            return true;
        }, cancellationToken);
    }

    public Task<bool> RemoveMemberAsync(string groupId, string memberId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
        {
            var removed = await session.ExecuteAsync(
                "DELETE FROM memberships WHERE group_id = $group AND member_id = $member",
                ("$group", groupId),
                ("$member", memberId)) > 0;
            if (removed)
            {
                session.MarkStateChanged();
            }

            return removed;
        }, cancellationToken);

    public Task<Page<Membership>> ListMembersAsync(string groupId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(
                $"{SelectMemberships} WHERE group_id = $group AND ($after IS NULL OR member_id > $after) ORDER BY member_id LIMIT $limit");
            command.Bind([("$group", groupId), ("$after", after), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, GroupRows.ReadMembership);
            return PageCursor.ToPage(rows, limit, membership => membership.MemberId);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Membership>> ListMembershipsAsync(string memberId, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<Membership>>(async session =>
        {
            await using var command = session.Command($"{SelectMemberships} WHERE member_id = $member ORDER BY group_id");
            command.Bind([("$member", memberId)]);
            return await session.ListAsync(command, GroupRows.ReadMembership);
        }, cancellationToken);

    public IAsyncEnumerable<Membership> ScanMembershipsAsync(CancellationToken cancellationToken = default) =>
        database.ScanAsync($"{SelectMemberships} ORDER BY group_id, member_id", GroupRows.ReadMembership, cancellationToken);
}
