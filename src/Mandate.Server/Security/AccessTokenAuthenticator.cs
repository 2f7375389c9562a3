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

        if (valid.KeyThumbprint is { } bound)
        {
            if (dpop is null)
            {
                return AuthenticationOutcome.Refused("the token is DPoP-bound: send it as `Authorization: DPoP <token>` with a `DPoP` proof");
            }

            var proof = proofs.Validate(dpop.Proof, dpop.Method, dpop.Urls, token, requireNonce: false);
            if (proof.Error is not null)
            {
                return new AuthenticationOutcome(null, proof.Description, proof.Error);
            }

            if (proof.KeyThumbprint != bound)
            {
                return new AuthenticationOutcome(null, "the DPoP proof is signed by another key than the one the token is bound to", "invalid_dpop_proof");
            }
        }
        else if (dpop is not null)
        {
            return AuthenticationOutcome.Refused("the token is not DPoP-bound: send it as `Authorization: Bearer <token>`");
        }

        return new(valid, null, null);
    }
}

/// <summary>A token presented with <c>Authorization: DPoP</c>: its proof and what the proof must name.</summary>
/// <param name="Proof">The <c>DPoP</c> header.</param>
/// <param name="Method">The request method.</param>
/// <param name="Urls">The URLs the request may be named by.</param>
internal sealed record DpopPresentation(string Proof, string Method, IReadOnlyList<string?> Urls);

/// <summary>Either the caller's validated token, or why the token was refused with the RFC 6750/9449 error code.</summary>
internal readonly record struct AuthenticationOutcome(ValidatedAccessToken? Token, string? Error, string? ErrorCode)
{
    public static AuthenticationOutcome Refused(string error) => new(null, error, "invalid_token");
}
