namespace Mandate.Tokens.Issuance;

/// <summary>A token the engine issued, for the response and the audit trail.</summary>
/// <param name="AccessToken">The signed JWT.</param>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="Subject">The identity it speaks for.</param>
/// <param name="ClientId">The client that obtained it.</param>
/// <param name="CredentialId">The credential that authenticated the client.</param>
/// <param name="AuthenticationMethod">How the client proved itself (<c>private_key_jwt</c>, or an API key method).</param>
/// <param name="Audiences">Its audiences.</param>
/// <param name="Scope">Granted scope, space separated, or null.</param>
/// <param name="ExpiresAt">Expiry.</param>
/// <param name="KeyThumbprint">The DPoP key the token is bound to (<c>cnf.jkt</c>), or null for a bearer token.</param>
public sealed record IssuedToken(
    string AccessToken, string TokenId, string Subject, string ClientId, string CredentialId, string AuthenticationMethod,
    IReadOnlyList<string> Audiences, string? Scope, DateTimeOffset ExpiresAt, string? KeyThumbprint = null)
{
    /// <summary>The RFC 8693 token type URI of an access token.</summary>
    public const string AccessTokenTypeUri = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>How it was obtained: <c>client_credentials</c>, or the kind of token exchange (<c>delegation</c>, <c>narrowing</c>, <c>impersonation</c>, <c>transaction</c>).</summary>
    public string Grant { get; init; } = "client_credentials";

    /// <summary>Its <c>act</c> chain, current actor first; empty when no one acts for the subject.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    /// <summary>The token it was exchanged from, if any.</summary>
    public string? ParentTokenId { get; init; }

    /// <summary>
    /// The response's <c>token_type</c>: <c>DPoP</c> for a token bound to a key (RFC 9449 section 5), <c>N_A</c> for
    /// tokens that are not access tokens, else <c>Bearer</c>.
    /// </summary>
    public string TokenType
    {
        get => _tokenType ?? (KeyThumbprint is null ? "Bearer" : Dpop.DpopHttp.Scheme);
        init => _tokenType = value;
    }

    /// <summary>The response's <c>issued_token_type</c> (RFC 8693); shown for exchanges only.</summary>
    public string IssuedTokenType { get; init; } = AccessTokenTypeUri;

    private readonly string? _tokenType;
}
