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
    /// <summary>The <c>token_type</c> to answer with: <c>DPoP</c> for a bound token (RFC 9449 section 5), else <c>Bearer</c>.</summary>
    public string TokenType => KeyThumbprint is null ? "Bearer" : "DPoP";
}
