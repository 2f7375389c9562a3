using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Mandate.Core.Delegations;
using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Tokens.Tests;

/// <summary>An in-memory delegation store for engine tests (the SQLite one passes the compliance suite); it can be made to fail.</summary>
public sealed class MemoryDelegationStore : IDelegationStore
{
    private readonly ConcurrentDictionary<string, DelegationNode> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenRevocation> _revocations = new(StringComparer.Ordinal);
    private readonly object _write = new();

    public bool Fail { get; set; }

    public Task AddAsync(IReadOnlyList<DelegationNode> nodes, CancellationToken cancellationToken = default)
    {
        lock (_write)
        {
            if (Fail)
            {
                throw new IOException("the disk is full");
            }

            if (nodes.FirstOrDefault(n => _nodes.ContainsKey(n.TokenId)) is { } duplicate)
            {
                throw new MandateException(ErrorCode.Conflict, $"token `{duplicate.TokenId}` is already in the delegation graph");
            }

            foreach (var node in nodes)
            {
                _nodes[node.TokenId] = node;
            }

        }

        return Task.CompletedTask;
    }

    public Task<DelegationNode?> GetAsync(string tokenId, CancellationToken cancellationToken = default) => Task.FromResult(_nodes.GetValueOrDefault(tokenId));

    public Task<Page<DelegationNode>> ListChildrenAsync(string parentTokenId, PageRequest page, CancellationToken cancellationToken = default) =>
        Task.FromResult(new Page<DelegationNode>([.. _nodes.Values.Where(n => n.ParentTokenId == parentTokenId).OrderBy(n => n.TokenId, StringComparer.Ordinal)], null));

    public Task<bool> RevokeAsync(TokenRevocation revocation, CancellationToken cancellationToken = default) =>
        Task.FromResult(_revocations.TryAdd(revocation.TokenId, revocation));

    public Task<TokenRevocation?> GetRevocationAsync(string tokenId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_revocations.GetValueOrDefault(tokenId));

    public async IAsyncEnumerable<DelegationNode> ScanAsync(DateTimeOffset liveAt, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var node in _nodes.Values.Where(n => n.ExpiresAt > liveAt))
        {
            yield return node;
        }
    }

    public async IAsyncEnumerable<TokenRevocation> ScanRevocationsAsync(DateTimeOffset liveAt, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var revocation in _revocations.Values.Where(r => r.ExpiresAt > liveAt))
        {
            yield return revocation;
        }
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        Task.FromResult(_nodes.Values.Where(n => n.ExpiresAt < before).Count(n => _nodes.TryRemove(n.TokenId, out _))
            + _revocations.Values.Where(r => r.ExpiresAt < before).Count(r => _revocations.TryRemove(r.TokenId, out _)));
}
