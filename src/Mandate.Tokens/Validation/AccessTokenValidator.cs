using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Validates Mandate access tokens: ES256 signature by a published key, <c>typ at+jwt</c> (so no other token
/// kind passes as one), issuer, audience, and <c>exp</c>/<c>nbf</c>/<c>iat</c> within the clock skew.
/// </summary>
public sealed class AccessTokenValidator(SigningKeyRing keys, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>Validates <paramref name="token"/> for <paramref name="audience"/> (Mandate's own by default).</summary>
    public AccessTokenValidation Validate(string token, string? audience = null) => Run(token, audience ?? options.DefaultAudience);

    /// <summary>Validates everything but the audience: for introspection, where the caller is not the audience.</summary>
    public AccessTokenValidation ValidateAnyAudience(string token) => Run(token, null);

    private AccessTokenValidation Run(string token, string? audience)
    {
        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(token);
        }
        catch (JoseException ex)
        {
            return AccessTokenValidation.Fail(ex.Message);
        }

        using (jws)
        {
            try
            {
                return Check(jws, audience);
            }
            catch (JoseException ex)
            {
                return AccessTokenValidation.Fail(ex.Message);
            }
        }
    }

    private AccessTokenValidation Check(CompactJws jws, string? audience)
    {
        if (!string.Equals(jws.Type, TokenEndpoint.AccessTokenType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(jws.Type, "application/" + TokenEndpoint.AccessTokenType, StringComparison.OrdinalIgnoreCase))
        {
            return AccessTokenValidation.Fail($"a `{jws.Type ?? "untyped"}` token is not an access token");
        }

        var key = jws.KeyId is null ? null : keys.Find(jws.KeyId);
        if (key is null)
        {
            return AccessTokenValidation.Fail("the token was not signed by a key this issuer publishes");
        }

        if (!jws.Verify(key.Key))
        {
            return AccessTokenValidation.Fail("the token signature is invalid");
        }

        var claims = jws.Claims;
        if (ClaimSet.String(claims, "iss") != options.Issuer)
        {
            return AccessTokenValidation.Fail("the token was issued by another issuer");
        }

        if (audience is not null && !ClaimSet.AudienceContains(claims, audience))
        {
            return AccessTokenValidation.Fail($"the token is not for `{audience}`");
        }

        var now = time.GetUtcNow();
        var exp = ClaimSet.Time(claims, "exp") ?? throw new JoseException("the token has no `exp`");
        if (exp <= now - options.ClockSkew)
        {
            return AccessTokenValidation.Fail("the token has expired");
        }

        if (ClaimSet.Time(claims, "nbf") > now + options.ClockSkew)
        {
            return AccessTokenValidation.Fail("the token is not valid yet");
        }

        var iat = ClaimSet.Time(claims, "iat") ?? throw new JoseException("the token has no `iat`");
        if (iat > now + options.ClockSkew)
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
            ClaimSet.Audiences(claims)), null);
    }
}

/// <summary>The claims of a valid access token.</summary>
/// <param name="Subject">The identity it speaks for.</param>
/// <param name="SubjectKind">That identity's kind, if stated.</param>
/// <param name="ClientId">The client that obtained it.</param>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="Scopes">Granted scopes.</param>
/// <param name="ExpiresAt">Expiry.</param>
/// <param name="IssuedAt">Issue time.</param>
/// <param name="Audiences">Its audiences.</param>
public sealed record ValidatedAccessToken(
    string Subject, string? SubjectKind, string ClientId, string TokenId, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt,
    DateTimeOffset IssuedAt, IReadOnlyList<string> Audiences);

/// <summary>A validated token, or why it was refused.</summary>
public readonly record struct AccessTokenValidation(ValidatedAccessToken? Token, string? Error)
{
    internal static AccessTokenValidation Fail(string error) => new(null, error);
}
