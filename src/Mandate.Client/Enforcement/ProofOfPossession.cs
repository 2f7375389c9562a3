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

    // The public origin's scheme://host[:port] (see Origin), or null.
    private readonly string? _publicOrigin;

    public ProofOfPossession(TimeProvider time, string? publicOrigin = null)
    {
        _publicOrigin = publicOrigin;
        // The validator's nonce service and issuer are used only at a token endpoint; here they are inert.
        var options = new TokenServiceOptions { Issuer = "urn:mandate:enforcement-point", DpopNonceRequired = false };
        _proofs = new DpopProofValidator(new InMemoryReplayCache(time), new DpopNonces(time, TimeSpan.FromMinutes(5)), options, time);
    }

    /// <summary>Null when the presentation is acceptable; otherwise the RFC 6750/9449 error code and why, for a 401.</summary>
    public OAuthError? Check(HttpContext context, bool dpopScheme, string presented, ValidatedAccessToken token)
    {
        DpopPresentation? presentation = null;
        if (dpopScheme)
        {
            // A bearer token sent with the DPoP scheme is refused whatever proof came with it; a bound one needs one proof.
            var proofs = context.Request.Headers[DpopHttp.ProofHeader];
            var proof = proofs.Count == 1 ? proofs[0] ?? string.Empty : string.Empty;
            if (token.KeyThumbprint is not null && proof.Length == 0)
            {
                return new OAuthError("invalid_dpop_proof", "exactly one `DPoP` proof header is required with a DPoP-bound token", 401);
            }

            var request = context.Request;
            var path = $"{request.PathBase}{request.Path}";
            var received = $"{request.Scheme}://{request.Host}{path}";
            presentation = new DpopPresentation(proof, request.Method, _publicOrigin is null ? [received] : [received, _publicOrigin + path]);
        }

        return _proofs.CheckPresentation(token, presented, presentation);
    }

    /// <summary>The scheme, host and port of <paramref name="origin"/>, refusing anything that is not an http(s) origin.</summary>
    internal static string Origin(Uri origin)
    {
        if (!origin.IsAbsoluteUri || origin.Scheme is not ("https" or "http") || origin.AbsolutePath != "/" || origin.Query.Length > 0 || origin.Fragment.Length > 0
            || origin.UserInfo.Length > 0)
        {
            throw new ArgumentException($"the public origin `{origin}` must be an http(s) scheme, host and optional port, with no path, query or user");
        }

        return origin.GetLeftPart(UriPartial.Authority);
    }
}
