using Mandate.Tokens.Issuance;
using Mandate.Tokens.Revocation;

namespace Mandate.Tokens;

/// <summary>Receives the outcome of every token request; the host records them as events.</summary>
public interface ITokenEvents
{
    /// <summary>A token was issued.</summary>
    void Issued(IssuedToken token, TokenRequestContext context);

    /// <summary>A token request was refused.</summary>
    void Refused(OAuthError error, string? clientId, TokenRequestContext context);

    /// <summary>A token was revoked, and with it everything exchanged from it.</summary>
    void Revoked(RevokedToken token, TokenRequestContext context);
}

/// <summary>Where a token request came from, for audit.</summary>
/// <param name="SourceIp">Caller address.</param>
/// <param name="UserAgent">Caller user agent.</param>
/// <param name="RequestId">Correlation id.</param>
/// <param name="BasicCredentials">Client id and secret from an <c>Authorization: Basic</c> header, if sent.</param>
/// <param name="DpopProof">The <c>DPoP</c> header, if sent (exactly once).</param>
/// <param name="RequestUrl">The URL the request arrived at, which a DPoP proof's <c>htu</c> may name besides the token endpoint.</param>
public sealed record TokenRequestContext(
    string? SourceIp, string? UserAgent, string? RequestId, BasicCredentials? BasicCredentials = null, string? DpopProof = null, string? RequestUrl = null);

/// <summary>Credentials from HTTP Basic authentication (RFC 6749 section 2.3.1: form-encoded, then base64).</summary>
/// <param name="ClientId">The client id.</param>
/// <param name="Secret">The client secret.</param>
public sealed record BasicCredentials(string ClientId, string Secret);
