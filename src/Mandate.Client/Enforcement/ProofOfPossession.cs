using Mandate.Tokens;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Validation;
using Microsoft.AspNetCore.Http;

namespace Mandate.Client.Enforcement;

/// <summary>
/// RFC 9449 at an enforcement point, which is the resource server the token is presented to: a DPoP-bound token
/// (<c>cnf.jkt</c>) is accepted only with the <c>DPoP</c> scheme and a proof for this very request (method and
/// URI), signed by the bound key, carrying the token's hash, recent, and never seen before; a bound token sent as a
/// bearer token is refused, since whoever copied it would otherwise use it without the key.
/// </summary>
/// <remarks>
/// Proof <c>jti</c>s are remembered in this process for the proof lifetime, so replays are caught per enforcement
/// point; replicas behind one name each keep their own. No server nonce is demanded here (the token endpoint does
/// that); a proof's <c>iat</c> must be within <see cref="TokenServiceOptions.DpopProofLifetime"/> of now.
/// </remarks>
internal sealed class ProofOfPossession
{
    private readonly DpopProofValidator _proofs;

    public ProofOfPossession(TimeProvider time)
    {
        // The validator's nonce service and issuer are used only at a token endpoint; here they are inert.
        var options = new TokenServiceOptions { Issuer = "urn:mandate:enforcement-point", DpopNonceRequired = false };
        _proofs = new DpopProofValidator(new InMemoryReplayCache(time), new DpopNonces(time, TimeSpan.FromMinutes(5)), options, time);
    }

    /// <summary>Null when the presentation is acceptable; otherwise the RFC 6750/9449 error code and why, for a 401.</summary>
    public PossessionRefusal? Check(HttpContext context, bool dpopScheme, string presented, ValidatedAccessToken token)
    {
        if (token.KeyThumbprint is not { } bound)
        {
            return dpopScheme ? new("invalid_token", "the `DPoP` scheme is for DPoP-bound tokens; this one is a bearer token: send `Authorization: Bearer <token>`") : null;
        }

        if (!dpopScheme)
        {
            return new("invalid_token", "this token is DPoP-bound: present it with `Authorization: DPoP <token>` and a `DPoP` proof");
        }

        var proofs = context.Request.Headers["DPoP"];
        if (proofs.Count != 1 || string.IsNullOrEmpty(proofs[0]))
        {
            return new("invalid_dpop_proof", "exactly one `DPoP` proof header is required with a DPoP-bound token");
        }

        var request = context.Request;
        var uri = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        var proof = _proofs.Validate(proofs[0]!, request.Method, [uri], presented, requireNonce: false);
        if (proof.KeyThumbprint is null)
        {
            return new("invalid_dpop_proof", proof.Description!);
        }

        return proof.KeyThumbprint == bound ? null : new("invalid_dpop_proof", "the DPoP proof is signed by another key than the one the token is bound to");
    }
}

/// <summary>Why a token's presentation was refused: the error code for the challenge, and a description.</summary>
internal readonly record struct PossessionRefusal(string Code, string Reason);
