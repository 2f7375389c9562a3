using Mandate.Core.Delegations;
using Mandate.Core.Errors;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Delegations;

internal sealed class SqliteDelegationStore(SqliteDatabase database) : IDelegationStore
{
    private const string SelectNode = $"SELECT {DelegationRows.NodeColumns} FROM delegations";
    private const string SelectRevocation = $"SELECT {DelegationRows.RevocationColumns} FROM token_revocations";

    public Task AddAsync(IReadOnlyList<DelegationNode> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async session =>
        {
            // One prepared statement for the whole batch: the group commit of many exchanges is one fsync.
            await using var insert = session.Command($"INSERT INTO delegations ({DelegationRows.NodeColumns}) VALUES ({DelegationRows.NodeValues})");
            foreach (var node in nodes)
            {
                ArgumentNullException.ThrowIfNull(node);
                if (await session.ExistsAsync("SELECT 1 FROM delegations WHERE token_id = $id", ("$id", node.TokenId)))
                {
                    throw new MandateException(ErrorCode.Conflict, $"token `{node.TokenId}` is already in the delegation graph");
                }

                DelegationRows.BindNode(insert, node);
                await insert.ExecuteNonQueryAsync(session.CancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    public Task<DelegationNode?> GetAsync(string tokenId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{SelectNode} WHERE token_id = $id");
            command.Bind([("$id", tokenId)]);
            return await session.SingleAsync(command, DelegationRows.ReadNode);
        }, cancellationToken);

    public Task<Page<DelegationNode>> ListChildrenAsync(string parentTokenId, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        var limit = PageCursor.ValidLimit(page);
        var after = PageCursor.Decode(page.Cursor);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(
                $"{SelectNode} WHERE parent_token_id = $parent AND ($after IS NULL OR token_id > $after) ORDER BY token_id LIMIT $limit");
            command.Bind([("$parent", parentTokenId), ("$after", after), ("$limit", limit + 1)]);
            var rows = await session.ListAsync(command, DelegationRows.ReadNode);
            return PageCursor.ToPage(rows, limit, node => node.TokenId);
        }, cancellationToken);
    }

    public Task<bool> RevokeAsync(TokenRevocation revocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        return database.WriteAsync(async session => await session.ExecuteAsync(
            $"INSERT INTO token_revocations ({DelegationRows.RevocationColumns}) VALUES ($id, $revoked_at, $expires_at, $revoked_by, $reason) ON CONFLICT (token_id) DO NOTHING",
            ("$id", revocation.TokenId),
            ("$revoked_at", revocation.RevokedAt.ToStored()),
            ("$expires_at", revocation.ExpiresAt.ToStored()),
            ("$revoked_by", revocation.RevokedBy),
            ("$reason", revocation.Reason)) == 1, cancellationToken);
    }

    public Task<TokenRevocation?> GetRevocationAsync(string tokenId, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async session =>
        {
            await using var command = session.Command($"{SelectRevocation} WHERE token_id = $id");
            command.Bind([("$id", tokenId)]);
            return await session.SingleAsync(command, DelegationRows.ReadRevocation);
        }, cancellationToken);

    public IAsyncEnumerable<DelegationNode> ScanAsync(DateTimeOffset liveAt, CancellationToken cancellationToken = default) =>
        database.ScanAsync($"{SelectNode} WHERE expires_at > {liveAt.ToStored()} ORDER BY token_id", DelegationRows.ReadNode, cancellationToken);

    public IAsyncEnumerable<TokenRevocation> ScanRevocationsAsync(DateTimeOffset liveAt, CancellationToken cancellationToken = default) =>
        database.ScanAsync($"{SelectRevocation} WHERE expires_at > {liveAt.ToStored()} ORDER BY token_id", DelegationRows.ReadRevocation, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async session =>
            await session.ExecuteAsync("DELETE FROM delegations WHERE expires_at < $before", ("$before", before.ToStored()))
            + await session.ExecuteAsync("DELETE FROM token_revocations WHERE expires_at < $before", ("$before", before.ToStored())),
            cancellationToken);
}
