using System.Security.Claims;

namespace Mandate.Server.Security;

/// <summary>Validates Mandate access tokens presented as bearer credentials.</summary>
internal sealed class AccessTokenAuthenticator
{
    public AuthenticationOutcome Authenticate(string token) =>
        new(null, token.Length == 0 ? "the bearer token is empty" : "the bearer token is not a valid credential for this server");
}

/// <summary>Either the caller's claims or why the token was refused.</summary>
internal readonly record struct AuthenticationOutcome(IReadOnlyList<Claim>? Claims, string? Error);
