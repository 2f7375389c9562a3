using Mandate.Tokens.Delegation;
using Mandate.Tokens.Details;
using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Validation;

/// <summary>
/// The rules every holder of Mandate's public keys applies to an access token, whether it holds the signing key ring
/// (the server) or only the published JWKS (enforcement points).
/// </summary>
public static class AccessTokenRules
{
    /// <summary>
    /// Checks a parsed token: <c>typ</c> <c>at+jwt</c>, a signature by a key <paramref name="findKey"/> knows, the issuer,
    /// the audience (skipped when null), and <c>exp</c>/<c>nbf</c>/<c>iat</c> within <paramref name="clockSkew"/>.
    /// </summary>
    /// <exception cref="JoseException">A registered claim is malformed.</exception>
    public static AccessTokenValidation Check(
        CompactJws jws, Func<string, PublicJwk?> findKey, string issuer, string? audience, DateTimeOffset now, TimeSpan clockSkew)
    {
        if (!string.Equals(jws.Type, TokenEndpoint.AccessTokenType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(jws.Type, "application/" + TokenEndpoint.AccessTokenType, StringComparison.OrdinalIgnoreCase))
        {
            return AccessTokenValidation.Fail($"a `{jws.Type ?? "untyped"}` token is not an access token");
        }

        var key = jws.KeyId is null ? null : findKey(jws.KeyId);
        if (key is null)
        {
            return AccessTokenValidation.Fail("the token was not signed by a key this issuer publishes");
        }

        if (!jws.Verify(key))
        {
            return AccessTokenValidation.Fail("the token signature is invalid");
        }

        var claims = jws.Claims;
        if (ClaimSet.String(claims, "iss") != issuer)
        {
            return AccessTokenValidation.Fail("the token was issued by another issuer");
        }

        if (audience is not null && !ClaimSet.AudienceContains(claims, audience))
        {
            return AccessTokenValidation.Fail($"the token is not for `{audience}`");
        }

        var exp = ClaimSet.Time(claims, "exp") ?? throw new JoseException("the token has no `exp`");
        if (exp <= now - clockSkew)
        {
            return AccessTokenValidation.Fail("the token has expired");
        }

        if (ClaimSet.Time(claims, "nbf") > now + clockSkew)
        {
            return AccessTokenValidation.Fail("the token is not valid yet");
        }

        var iat = ClaimSet.Time(claims, "iat") ?? throw new JoseException("the token has no `iat`");
        if (iat > now + clockSkew)
        {
            return AccessTokenValidation.Fail("the token was issued in the future");
        }

        return new AccessTokenValidation(new ValidatedAccessToken(
            ClaimSet.RequireString(claims, "sub"),
            ClaimSet.String(claims, "sub_kind"),
            ClaimSet.RequireString(claims, "client_id"),
            ClaimSet.RequireString(claims, "jti"),
            ClaimSet.String(claims, "scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            exp,
            iat,
            ClaimSet.Audiences(claims),
            Confirmation(claims))
        {
            Actors = ActorClaims.Read(claims),
            MayAct = ActorClaims.ReadMayAct(claims),
            AuthorizationDetails = AuthorizationDetails.FromClaims(claims),
            CredentialId = ClaimSet.String(claims, "cred"),
        }, null);
    }

    // Mandate binds tokens only by JWK thumbprint (RFC 9449 `cnf.jkt`); any other confirmation it did not issue.
    private static string? Confirmation(System.Text.Json.JsonElement claims)
    {
        if (!claims.TryGetProperty("cnf", out var cnf))
        {
            return null;
        }

        if (cnf.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new JoseException("the token's `cnf` is not an object");
        }

        return ClaimSet.String(cnf, "jkt") is { Length: > 0 } jkt ? jkt : throw new JoseException("the token's `cnf` has no `jkt`");
    }
}
