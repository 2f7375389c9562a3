using Mandate.Core.Delegations;

namespace Mandate.Core.Storage;

/// <summary>
/// The delegation graph and revoked tokens. Writes here do not raise <see cref="IMandateStore.StateChanged"/>:
/// the token service keeps its in-memory revocation set current itself and reads this store only at start.
/// </summary>
public interface IDelegationStore
{
    /// <summary>Records nodes durably in one transaction, all or nothing.</summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when a token id is already recorded.</exception>
    Task AddAsync(IReadOnlyList<DelegationNode> nodes, CancellationToken cancellationToken = default);

    /// <summary>Reads one node, or null.</summary>
    Task<DelegationNode?> GetAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Lists the nodes exchanged directly from <paramref name="parentTokenId"/>, in token id order.</summary>
    Task<Page<DelegationNode>> ListChildrenAsync(string parentTokenId, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Records a revocation durably; false when the token was already revoked (the first record stands).</summary>
    Task<bool> RevokeAsync(TokenRevocation revocation, CancellationToken cancellationToken = default);

    /// <summary>The revocation of a token, or null.</summary>
    Task<TokenRevocation?> GetRevocationAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Streams every node that has not expired at <paramref name="liveAt"/>.</summary>
    IAsyncEnumerable<DelegationNode> ScanAsync(DateTimeOffset liveAt, CancellationToken cancellationToken = default);

    /// <summary>Streams every revocation whose token has not expired at <paramref name="liveAt"/>.</summary>
    IAsyncEnumerable<TokenRevocation> ScanRevocationsAsync(DateTimeOffset liveAt, CancellationToken cancellationToken = default);

    /// <summary>Forgets nodes and revocations of tokens that expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
