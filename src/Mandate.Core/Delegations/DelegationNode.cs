namespace Mandate.Core.Delegations;

/// <summary>
/// One token in the delegation graph: who it speaks for, who holds it, what it grants and which token it was
/// derived from. Revoking a node (or anything it depends on) makes every node below it inactive.
/// </summary>
public sealed record DelegationNode
{
    /// <summary>The token's <c>jti</c>.</summary>
    public required string TokenId { get; init; }

    /// <summary>The <c>jti</c> of the token it was exchanged from; null for a root.</summary>
    public string? ParentTokenId { get; init; }

    /// <summary>How the token was issued.</summary>
    public required DelegationKind Kind { get; init; }

    /// <summary>The identity the token speaks for (<c>sub</c>).</summary>
    public required string SubjectId { get; init; }

    /// <summary>The actors of its <c>act</c> claim, current actor first; empty when it has none.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    /// <summary>The client that obtained the token (<c>client_id</c>).</summary>
    public required string ClientId { get; init; }

    /// <summary>Credentials whose revocation ends this token: the client's authentication and the actor token's.</summary>
    public IReadOnlyList<string> CredentialIds { get; init; } = [];

    /// <summary>The <c>jti</c> of the actor token presented with the exchange, if any.</summary>
    public string? ActorTokenId { get; init; }

    /// <summary>Granted scope, space separated; null when unrestricted.</summary>
    public string? Scope { get; init; }

    /// <summary>Granted RFC 9396 <c>authorization_details</c> as JSON; null when unrestricted.</summary>
    public string? AuthorizationDetails { get; init; }

    /// <summary>The identity the token names in <c>may_act</c>, if any.</summary>
    public string? MayAct { get; init; }

    /// <summary>The token's audiences.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>When the token was issued.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>When the token expires; the node can be forgotten after that.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Hops from the root: 0 for a root, the length of <see cref="Actors"/> for a delegated token.</summary>
    public int Depth => Actors.Count;
}
