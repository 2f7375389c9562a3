using Mandate.Tokens.Issuance;

namespace Mandate.Tokens;

/// <summary>Receives the outcome of every token request; the host records them as events.</summary>
public interface ITokenEvents
{
    /// <summary>A token was issued.</summary>
    void Issued(IssuedToken token, TokenRequestContext context);

    /// <summary>A token request was refused.</summary>
    void Refused(OAuthError error, string? clientId, TokenRequestContext context);
}

/// <summary>Where a token request came from, for audit.</summary>
/// <param name="SourceIp">Caller address.</param>
/// <param name="UserAgent">Caller user agent.</param>
/// <param name="RequestId">Correlation id.</param>
public sealed record TokenRequestContext(string? SourceIp, string? UserAgent, string? RequestId);
