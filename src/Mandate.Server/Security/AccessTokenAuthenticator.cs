using Mandate.Tokens.Dpop;
using Mandate.Tokens.Validation;

namespace Mandate.Server.Security;

/// <summary>
/// Validates Mandate access tokens presented to Mandate's own APIs: as <c>Bearer</c>, or as <c>DPoP</c> with a
/// proof (RFC 9449 section 7). The validator checks standing too, so a revoked token (or one exchanged from a revoked
/// token), a suspended identity anywhere on the chain and a revoked credential all stop it at once. A DPoP-bound token
/// is accepted only with a valid proof by its key, never as a bearer token; a proof must name this request (<c>htm</c>,
/// <c>htu</c>) and this token (<c>ath</c>).
/// </summary>
internal sealed class AccessTokenAuthenticator(AccessTokenValidator validator, DpopProofValidator proofs)
{
    /// <summary>
    /// Validates <paramref name="token"/>; with <paramref name="rememberedOnly"/>, only a bearer token that verified
    /// before (no outcome otherwise), which costs no signature check.
    /// </summary>
    public AuthenticationOutcome Authenticate(string token, DpopPresentation? dpop, bool rememberedOnly = false)
    {
        AccessTokenValidation result;
        if (rememberedOnly)
        {
            if (!validator.TryValidateRemembered(token, out result))
            {
                return default;
            }
        }
        else
        {
            result = validator.Validate(token);
        }

        if (result.Token is not { } valid)
        {
            return AuthenticationOutcome.Refused(result.Error!);
        }

        if (proofs.CheckPresentation(valid, token, dpop) is { } refusal)
        {
            return new AuthenticationOutcome(null, refusal.Description, refusal.Error);
        }

        return new(valid, null, null);
    }
}

/// <summary>Either the caller's validated token, or why the token was refused with the RFC 6750/9449 error code.</summary>
internal readonly record struct AuthenticationOutcome(ValidatedAccessToken? Token, string? Error, string? ErrorCode)
{
    public static AuthenticationOutcome Refused(string error) => new(null, error, "invalid_token");
}
