using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Validates Mandate access tokens: ES256 signature by a published key, <c>typ at+jwt</c> (so no other token
/// kind passes as one), issuer, audience, and <c>exp</c>/<c>nbf</c>/<c>iat</c> within the clock skew.
/// </summary>
/// <remarks>
/// An agent presents the same token for many calls, and an ES256 verification costs about as much as the
/// rest of a decision. A token that verified once is remembered by its exact text until it expires; a
/// repeat presentation re-checks expiry, audience and that its key is still published, but not the
/// signature. A changed byte is a different text, so a forgery never matches.
/// </remarks>
public sealed class AccessTokenValidator(SigningKeyRing keys, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>Most tokens remembered; past this, expired entries are swept and, if needed, all are forgotten.</summary>
    public const int MaxRemembered = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Remembered> _verified = new(StringComparer.Ordinal);

    /// <summary>Validates <paramref name="token"/> for <paramref name="audience"/> (Mandate's own by default).</summary>
    public AccessTokenValidation Validate(string token, string? audience = null) => Run(token, audience ?? options.DefaultAudience);

    /// <summary>Validates everything but the audience: for introspection, where the caller is not the audience.</summary>
    public AccessTokenValidation ValidateAnyAudience(string token) => Run(token, null);

    private AccessTokenValidation Run(string token, string? audience)
    {
        if (_verified.TryGetValue(token, out var remembered))
        {
            return Recheck(remembered, audience);
        }

        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(token, JwsAlgorithms.Issuer);
        }
        catch (JoseException ex)
        {
            return AccessTokenValidation.Fail(ex.Message);
        }

        using (jws)
        {
            try
            {
                var result = Check(jws, audience);
                if (result.Token is { } valid)
                {
                    Remember(token, new Remembered(valid, jws.KeyId!));
                }

                return result;
            }
            catch (JoseException ex)
            {
                return AccessTokenValidation.Fail(ex.Message);
            }
        }
    }

    private AccessTokenValidation Recheck(Remembered remembered, string? audience)
    {
        if (remembered.Token.ExpiresAt <= time.GetUtcNow() - options.ClockSkew)
        {
            return AccessTokenValidation.Fail("the token has expired");
        }

        if (keys.Find(remembered.KeyId) is null)
        {
            return AccessTokenValidation.Fail("the token was not signed by a key this issuer publishes");
        }

        return audience is not null && !remembered.Token.Audiences.Contains(audience, StringComparer.Ordinal)
            ? AccessTokenValidation.Fail($"the token is not for `{audience}`")
            : new AccessTokenValidation(remembered.Token, null);
    }

    private void Remember(string token, Remembered remembered)
    {
        if (_verified.Count >= MaxRemembered)
        {
            var now = time.GetUtcNow();
            foreach (var (key, entry) in _verified)
            {
                if (entry.Token.ExpiresAt <= now)
                {
                    _verified.TryRemove(key, out _);
                }
            }

            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }
        }

        _verified[token] = remembered;
    }

    private sealed record Remembered(ValidatedAccessToken Token, string KeyId);

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

        // Mandate binds only by JWK thumbprint; any other confirmation it did not issue, so the token is refused.
        return ClaimSet.String(cnf, "jkt") is { Length: > 0 } jkt ? jkt : throw new JoseException("the token's `cnf` has no `jkt`");
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

        if (!jws.Verify(key.PublicJwk))
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
            ClaimSet.Audiences(claims),
            Confirmation(claims)), null);
    }
}

/// <summary>The claims of a valid access token.</summary>
/// <remarks><see cref="KeyThumbprint"/> set means the token is DPoP-bound: it is usable only with a proof by that key.</remarks>
/// <param name="Subject">The identity it speaks for.</param>
/// <param name="SubjectKind">That identity's kind, if stated.</param>
/// <param name="ClientId">The client that obtained it.</param>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="Scopes">Granted scopes.</param>
/// <param name="ExpiresAt">Expiry.</param>
/// <param name="IssuedAt">Issue time.</param>
/// <param name="Audiences">Its audiences.</param>
/// <param name="KeyThumbprint">The DPoP key it is bound to (<c>cnf.jkt</c>), or null for a bearer token.</param>
public sealed record ValidatedAccessToken(
    string Subject, string? SubjectKind, string ClientId, string TokenId, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt,
    DateTimeOffset IssuedAt, IReadOnlyList<string> Audiences, string? KeyThumbprint = null);

/// <summary>A validated token, or why it was refused.</summary>
public readonly record struct AccessTokenValidation(ValidatedAccessToken? Token, string? Error)
{
    internal static AccessTokenValidation Fail(string error) => new(null, error);
}
