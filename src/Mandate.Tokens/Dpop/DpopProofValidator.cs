using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Dpop;

/// <summary>
/// Validates DPoP proofs (RFC 9449 section 4.3): <c>typ</c> <c>dpop+jwt</c>, an asymmetric algorithm, the public
/// key in the <c>jwk</c> header, a valid signature, <c>htm</c> and <c>htu</c> of this request, a recent
/// <c>iat</c>, a <c>jti</c> seen once, a fresh server nonce when required, and at a resource the <c>ath</c> hash
/// of the access token presented with it.
/// </summary>
public sealed class DpopProofValidator(IReplayCache replay, DpopNonces nonces, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>The <c>typ</c> of a DPoP proof.</summary>
    public const string ProofType = "dpop+jwt";

    /// <summary>Validates <paramref name="proof"/> for a request.</summary>
    /// <param name="proof">The <c>DPoP</c> header value.</param>
    /// <param name="method">The request method (<c>htm</c>).</param>
    /// <param name="acceptedUris">The URIs this request may be named by (<c>htu</c>), before normalization.</param>
    /// <param name="accessToken">The access token presented with the proof at a resource, whose hash <c>ath</c> must carry; null at the token endpoint.</param>
    /// <param name="requireNonce">Whether a fresh server nonce is required.</param>
    public DpopValidation Validate(string proof, string method, IReadOnlyList<string?> acceptedUris, string? accessToken, bool requireNonce)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(acceptedUris);
        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(proof, JwsAlgorithms.External, embeddedKey: true);
        }
        catch (JoseException ex)
        {
            return DpopValidation.Invalid("DPoP proof: " + ex.Message);
        }

        using (jws)
        {
            try
            {
                return Check(jws, method, acceptedUris, accessToken, requireNonce);
            }
            catch (JoseException ex)
            {
                return DpopValidation.Invalid("DPoP proof: " + ex.Message);
            }
        }
    }

    private DpopValidation Check(CompactJws jws, string method, IReadOnlyList<string?> acceptedUris, string? accessToken, bool requireNonce)
    {
        if (!string.Equals(jws.Type, ProofType, StringComparison.OrdinalIgnoreCase))
        {
            return DpopValidation.Invalid($"DPoP proof: `typ` must be `{ProofType}`");
        }

        var key = jws.EmbeddedKey!;
        if (!jws.Verify(key))
        {
            return DpopValidation.Invalid("DPoP proof: the signature does not verify with the `jwk` header");
        }

        var claims = jws.Claims;
        if (ClaimSet.String(claims, "htm") != method)
        {
            return DpopValidation.Invalid($"DPoP proof: `htm` must be `{method}`");
        }

        var htu = DpopUri.Normalize(ClaimSet.String(claims, "htu"));
        if (htu is null || !Matches(htu, acceptedUris))
        {
            return DpopValidation.Invalid($"DPoP proof: `htu` must be the request URI `{acceptedUris[0]}` (without query or fragment)");
        }

        var now = time.GetUtcNow();
        var iat = ClaimSet.Time(claims, "iat");
        if (iat is null || iat > now + options.ClockSkew || iat < now - options.DpopProofLifetime - options.ClockSkew)
        {
            return DpopValidation.Invalid($"DPoP proof: `iat` must be within {options.DpopProofLifetime.TotalSeconds} seconds of now");
        }

        if (accessToken is not null && ClaimSet.String(claims, "ath") != AccessTokenHash(accessToken))
        {
            return DpopValidation.Invalid("DPoP proof: `ath` is not the hash of the access token presented with it");
        }

        if (requireNonce && !nonces.IsFresh(ClaimSet.String(claims, "nonce")))
        {
            return new DpopValidation(null, "use_dpop_nonce", "DPoP proof: use the server nonce from the `DPoP-Nonce` header");
        }

        var jti = ClaimSet.String(claims, "jti");
        if (string.IsNullOrEmpty(jti) || jti.Length > 256)
        {
            return DpopValidation.Invalid("DPoP proof: a `jti` of 1 to 256 characters is required");
        }

        // Checked last, so a proof refused for any other reason does not burn its jti.
        return replay.TryUse(string.Concat("dpop\n", key.Thumbprint, "\n", jti), iat.Value + options.DpopProofLifetime + options.ClockSkew * 2)
            ? new DpopValidation(key.Thumbprint, null, null)
            : DpopValidation.Invalid("DPoP proof: this `jti` was already used");
    }

    /// <summary>
    /// RFC 9449 section 7 at a resource (Mandate's own APIs, an enforcement point): whether a valid access token may
    /// be used as it was presented. A DPoP-bound token (<c>cnf.jkt</c>) only with the <c>DPoP</c> scheme and a proof
    /// for this request by the bound key, never as a bearer token; a bearer token only with the <c>Bearer</c> scheme.
    /// </summary>
    /// <param name="token">The validated token.</param>
    /// <param name="accessToken">Its text, whose hash the proof must carry.</param>
    /// <param name="presentation">The proof and what it must name when the <c>DPoP</c> scheme was used; null for <c>Bearer</c>.</param>
    /// <returns>Null when the token may be used; otherwise the error (<c>invalid_token</c>, <c>invalid_dpop_proof</c>) and why.</returns>
    public OAuthError? CheckPresentation(ValidatedAccessToken token, string accessToken, DpopPresentation? presentation)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.KeyThumbprint is not { } bound)
        {
            return presentation is null
                ? null
                : new OAuthError("invalid_token", "the token is not DPoP-bound, it is a bearer token: send it as `Authorization: Bearer <token>`", 401);
        }

        if (presentation is null)
        {
            return new OAuthError("invalid_token", "the token is DPoP-bound: send it as `Authorization: DPoP <token>` with a `DPoP` proof", 401);
        }

        var proof = Validate(presentation.Proof, presentation.Method, presentation.Urls, accessToken, requireNonce: false);
        if (proof.Error is not null)
        {
            return proof.ToOAuthError();
        }

        return proof.KeyThumbprint == bound
            ? null
            : new OAuthError("invalid_dpop_proof", "the DPoP proof is signed by another key than the one the token is bound to", 401);
    }

    /// <summary>The <c>ath</c> of an access token: base64url SHA-256 of its ASCII text.</summary>
    public static string AccessTokenHash(string accessToken) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    private static bool Matches(string htu, IReadOnlyList<string?> acceptedUris)
    {
        foreach (var uri in acceptedUris)
        {
            if (DpopUri.Normalize(uri) == htu)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A token presented with <c>Authorization: DPoP</c>: its proof and what the proof must name.</summary>
/// <param name="Proof">The <c>DPoP</c> header.</param>
/// <param name="Method">The request method.</param>
/// <param name="Urls">The URLs the request may be named by.</param>
public sealed record DpopPresentation(string Proof, string Method, IReadOnlyList<string?> Urls);

/// <summary>A valid proof's key thumbprint (<c>jkt</c>), or the error code (<c>invalid_dpop_proof</c> or <c>use_dpop_nonce</c>) and why.</summary>
public readonly record struct DpopValidation(string? KeyThumbprint, string? Error, string? Description)
{
    internal static DpopValidation Invalid(string description) => new(null, "invalid_dpop_proof", description);

    /// <summary>The refusal as an OAuth error at the token endpoint (HTTP 400).</summary>
    public OAuthError ToOAuthError() => new(Error!, Description!);
}
