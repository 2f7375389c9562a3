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
public sealed record IssuedToken(
    string AccessToken, string TokenId, string Subject, string ClientId, string CredentialId, string AuthenticationMethod,
    IReadOnlyList<string> Audiences, string? Scope, DateTimeOffset ExpiresAt);
