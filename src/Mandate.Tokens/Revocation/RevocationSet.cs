using System.Collections.Concurrent;
using Mandate.Core.Delegations;
using Mandate.Core.Storage;

namespace Mandate.Tokens.Revocation;

/// <summary>
/// The hot-path view of revocation: revoked token ids and the delegation graph in memory, beside the host's
/// identity and credential standing. A token is in good standing only if it, every token it was exchanged from,
/// every identity on its chain and every credential that obtained any of them are. A check walks up the graph,
/// O(chain depth), and never touches the database; revoking a token is one insert, so everything below it is
/// refused from that instant.
/// </summary>
public sealed class RevocationSet(IIdentityStatus status)
{
    // Any walk longer than this is a cycle in corrupted data: refuse rather than loop.
    private const int MaxWalk = 64;

    private readonly ConcurrentDictionary<string, DelegationNode> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    /// <summary>Nodes held in memory.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Revoked tokens held in memory.</summary>
    public int RevokedCount => _revoked.Count;

    /// <summary>Loads the live graph and revocations from the store (at start, before serving).</summary>
    public async Task LoadAsync(IDelegationStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var node in store.ScanAsync(now, cancellationToken))
        {
            _nodes[node.TokenId] = node;
        }

        await foreach (var revocation in store.ScanRevocationsAsync(now, cancellationToken))
        {
            _revoked[revocation.TokenId] = revocation.ExpiresAt;
        }
    }

    /// <summary>Adds a node already recorded durably.</summary>
    public void Add(DelegationNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes[node.TokenId] = node;
    }

    /// <summary>Marks a token revoked (already recorded durably).</summary>
    public void Revoke(string tokenId, DateTimeOffset expiresAt) => _revoked[tokenId] = expiresAt;

    /// <summary>Whether the token itself was revoked.</summary>
    public bool IsRevoked(string tokenId) => _revoked.ContainsKey(tokenId);

    /// <summary>The node of a token, or null when it is not in the graph.</summary>
    public DelegationNode? Find(string tokenId) => _nodes.GetValueOrDefault(tokenId);

    /// <summary>
    /// Why a validly signed access token is not in good standing, or null when it is. A token with an <c>act</c>
    /// chain must match its recorded node exactly: a chain the graph does not know is refused as forged.
    /// </summary>
    public string? Check(TokenLineage token)
    {
        if (_revoked.ContainsKey(token.TokenId))
        {
            return "the token was revoked";
        }

        if (Standing(token.Subject, token.ClientId, token.CredentialId) is { } reason)
        {
            return reason;
        }

        if (!_nodes.TryGetValue(token.TokenId, out var node))
        {
            return token.Actors.Count > 0 ? "the token's delegation is not recorded, so its `act` chain cannot be trusted" : null;
        }

        if (node.SubjectId != token.Subject || node.ClientId != token.ClientId || !SameActors(node.Actors, token.Actors))
        {
            return "the token's `act` chain does not match its recorded delegation";
        }

        return Upstream(node);
    }

    /// <summary>Why a token derived from <paramref name="parentTokenId"/> (a transaction token) is not in good standing, or null.</summary>
    public string? CheckDerived(string parentTokenId, string subject, string requester)
    {
        if (_revoked.ContainsKey(parentTokenId))
        {
            return "the token it was issued from was revoked";
        }

        if (Standing(subject, requester, null) is { } reason)
        {
            return reason;
        }

        return _nodes.TryGetValue(parentTokenId, out var node)
            ? node.SubjectId == subject ? Upstream(node) : "the token does not match the token it was issued from"
            : "the token it was issued from is not recorded";
    }

    /// <summary>Forgets nodes and revocations of tokens that expired before <paramref name="before"/>.</summary>
    public void Prune(DateTimeOffset before)
    {
        foreach (var (id, node) in _nodes)
        {
            if (node.ExpiresAt < before)
            {
                _nodes.TryRemove(new KeyValuePair<string, DelegationNode>(id, node));
            }
        }

        foreach (var (id, expires) in _revoked)
        {
            if (expires < before)
            {
                _revoked.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, expires));
            }
        }
    }

    private static bool SameActors(IReadOnlyList<string> recorded, IReadOnlyList<string> claimed)
    {
        if (recorded.Count != claimed.Count)
        {
            return false;
        }

        for (var i = 0; i < recorded.Count; i++)
        {
            if (!string.Equals(recorded[i], claimed[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private string? Standing(string subject, string clientId, string? credentialId)
    {
        if (!status.IsActive(subject))
        {
            return $"the token's subject `{subject}` is not active";
        }

        if (clientId != subject && !status.IsActive(clientId))
        {
            return $"the token's client `{clientId}` is not active";
        }

        return credentialId is not null && status.IsCredentialRevoked(credentialId) ? "the credential that obtained the token was revoked" : null;
    }

    /// <summary>
    /// Walks from <paramref name="node"/> to its root: every hop's client, credentials, actor token and parent must stand,
    /// and so must every token the actor token was itself exchanged from (its client may have narrowed it from another).
    /// </summary>
    private string? Upstream(DelegationNode node)
    {
        var budget = MaxWalk;
        return Upstream(node, ref budget);
    }

    // The actor token's own walk shares the budget, so corrupted data cannot make a check loop or branch without end.
    private string? Upstream(DelegationNode node, ref int budget)
    {
        var current = node;
        while (budget-- > 0)
        {
            if (!status.IsActive(current.ClientId))
            {
                return $"`{current.ClientId}` on the token's delegation chain is not active";
            }

            // Index loops: this is the hot path of every validation, and an interface foreach allocates.
            for (var i = 0; i < current.CredentialIds.Count; i++)
            {
                if (status.IsCredentialRevoked(current.CredentialIds[i]))
                {
                    return "a credential that obtained a token on the delegation chain was revoked";
                }
            }

            if (current.ActorTokenId is { } actorToken)
            {
                if (_revoked.ContainsKey(actorToken))
                {
                    return "an actor token on the delegation chain was revoked";
                }

                // An actor token that is a node was exchanged from another token; one that is not is a root, checked above.
                if (_nodes.TryGetValue(actorToken, out var actorNode) && Upstream(actorNode, ref budget) is { } actorReason)
                {
                    return actorReason;
                }
            }

            if (current.ParentTokenId is not { } parent)
            {
                return status.IsActive(current.SubjectId) ? null : $"the chain's subject `{current.SubjectId}` is not active";
            }

            if (_revoked.ContainsKey(parent))
            {
                return "a token upstream on the delegation chain was revoked";
            }

            if (!_nodes.TryGetValue(parent, out current))
            {
                return "a token upstream on the delegation chain is no longer recorded";
            }
        }

        return "the delegation chain is longer than any issued one";
    }
}

/// <summary>What a standing check needs to know about a validly signed token.</summary>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="Subject">Its <c>sub</c>.</param>
/// <param name="ClientId">Its <c>client_id</c>.</param>
/// <param name="Actors">Its <c>act</c> chain, current actor first.</param>
/// <param name="CredentialId">Its <c>cred</c>, if it states one.</param>
public readonly record struct TokenLineage(string TokenId, string Subject, string ClientId, IReadOnlyList<string> Actors, string? CredentialId);
