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
    public const int MaxRemembered = VerifiedTokens.MaxRemembered;

    private readonly VerifiedTokens _verified = new(time, options.ClockSkew);

    /// <summary>Validates <paramref name="token"/> for <paramref name="audience"/> (Mandate's own by default).</summary>
    public AccessTokenValidation Validate(string token, string? audience = null) => Run(token, audience ?? options.DefaultAudience);

    /// <summary>
    /// Answers from memory only: true with the outcome when <paramref name="token"/> verified before (for Mandate's own
    /// audience); false when it would need a full verification.
    /// </summary>
    public bool TryValidateRemembered(string token, out AccessTokenValidation result) =>
        _verified.TryRecheck(token, kid => keys.Find(kid) is not null, options.DefaultAudience, out result);

    /// <summary>Validates everything but the audience: for introspection, where the caller is not the audience.</summary>
    public AccessTokenValidation ValidateAnyAudience(string token) => Run(token, null);

    private AccessTokenValidation Run(string token, string? audience)
    {
        if (_verified.TryRecheck(token, kid => keys.Find(kid) is not null, audience, out var rechecked))
        {
            return rechecked;
        }

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
                var result = Check(jws, audience);
                if (result.Token is { } valid)
                {
                    _verified.Remember(token, valid, jws.KeyId!);
                }

                return result;
            }
            catch (JoseException ex)
            {
                return AccessTokenValidation.Fail(ex.Message);
            }
        }
    }

    private AccessTokenValidation Check(CompactJws jws, string? audience) =>
        AccessTokenRules.Check(jws, kid => keys.Find(kid)?.Key, options.Issuer, audience, time.GetUtcNow(), options.ClockSkew);
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
