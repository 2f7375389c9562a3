using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Groups;

internal sealed partial class SqliteGroupStore(SqliteDatabase database) : IGroupStore
{
    private const string Select = $"SELECT {GroupRows.Columns} FROM groups";

    public Task<Group> CreateAsync(Group group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return database.WriteAsync(async session =>
        {
            if (await session.ExistsAsync("SELECT 1 FROM groups WHERE id = $id", ("$id", group.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"group `{group.Id}` already exists");
            }

            // See SqliteIdentityStore.CreateAsync: one id is an identity or a group, never both.
            if (await session.ExistsAsync("SELECT 1 FROM identities WHERE id = $id", ("$id", group.Id)))
            {
                throw new MandateException(ErrorCode.Conflict, $"`{group.Id}` is already an identity's id; identities and groups share one set of ids");
            }

            var created = group with { Version = 1 };
            await session.ExecuteAsync(
                $"INSERT INTO groups ({GroupRows.Columns}) VALUES ($id, $kind, $display_name, $description, $owner, $created_at, $updated_at, $version)",
                GroupRows.Parameters(created));
            session.MarkStateChanged();
            return created;
        }, cancellationToken);
    }

    public Task<Group?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{Select} WHERE id = $id");
            command.Bind([("$id", id)]);
            return await session.SingleAsync(command, GroupRows.Read);
        }, cancellationToken);

    public Task<Page<Group>> ListAsync(GroupKind? kind, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(
                $"{Select} WHERE ($kind IS NULL OR kind = $kind) AND ($after IS NULL OR id > $after) ORDER BY id LIMIT $limit");
            command.Bind([("$kind", kind?.ToString()), ("$after", after), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, GroupRows.Read);
            return PageCursor.ToPage(rows, limit, group => group.Id);
        }, cancellationToken);
    }

    public Task<Group> UpdateAsync(Group group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return database.WriteAsync(async session =>
        {
            var changed = await session.ExecuteAsync(
                """
                UPDATE groups SET kind = $kind, display_name = $display_name, description = $description, owner = $owner,
                    created_at = $created_at, updated_at = $updated_at, version = version + 1
                WHERE id = $id AND version = $version
                """,
                GroupRows.Parameters(group));
            if (changed == 0)
            {
                throw await session.UpdateRefusedAsync("groups", "group", group.Id);
            }

            session.MarkStateChanged();
            return group with { Version = group.Version + 1 };
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
        {
            // Edges from the group cascade; edges naming it as a member are removed here.
            await session.ExecuteAsync("DELETE FROM memberships WHERE member_id = $id AND member_is_group = 1", ("$id", id));
            var deleted = await session.ExecuteAsync("DELETE FROM groups WHERE id = $id", ("$id", id)) > 0;
            if (deleted)
            {
                session.MarkStateChanged();
            }

            return deleted;
        }, cancellationToken);

    public IAsyncEnumerable<Group> ScanAsync(CancellationToken cancellationToken = default) =>
        database.ScanAsync($"{Select} ORDER BY id", GroupRows.Read, cancellationToken);
}
