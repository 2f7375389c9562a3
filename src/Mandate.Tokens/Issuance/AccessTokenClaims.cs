using Mandate.Tokens.Details;

namespace Mandate.Tokens.Issuance;

/// <summary>What an RFC 9068 access token states, for <see cref="AccessTokenMinter"/>.</summary>
public sealed record AccessTokenClaims
{
    /// <summary>The <c>jti</c>.</summary>
    public required string TokenId { get; init; }

    /// <summary>The identity the token speaks for (<c>sub</c>).</summary>
    public required string Subject { get; init; }

    /// <summary>That identity's Cedar entity type (<c>sub_kind</c>).</summary>
    public required string SubjectKind { get; init; }

    /// <summary>The client that obtains it (<c>client_id</c>).</summary>
    public required string ClientId { get; init; }

    /// <summary>The credential the client authenticated with (<c>cred</c>): revoking it ends the token.</summary>
    public required string CredentialId { get; init; }

    /// <summary>The audiences (<c>aud</c>).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>Granted scope, space separated, or null.</summary>
    public string? Scope { get; init; }

    /// <summary>Granted authorization details, or null.</summary>
    public IReadOnlyList<MandateDetail>? AuthorizationDetails { get; init; }

    /// <summary>The <c>act</c> chain, current actor first.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    /// <summary>The identity named in <c>may_act</c>, if any.</summary>
    public string? MayAct { get; init; }

    /// <summary>The thumbprint of the DPoP key the token is bound to (<c>cnf.jkt</c>), or null for a bearer token.</summary>
    public string? KeyThumbprint { get; init; }

    /// <summary>Issue time (<c>iat</c>, <c>nbf</c>).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Expiry (<c>exp</c>).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
