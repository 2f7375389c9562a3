using Mandate.Tokens.Details;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;
using Mandate.Tokens.Revocation;

namespace Mandate.Tokens.Validation;

/// <summary>
/// Validates Mandate access tokens: ES256 signature by a published key, <c>typ at+jwt</c> (so no other token
/// kind passes as one), issuer, audience, <c>exp</c>/<c>nbf</c>/<c>iat</c> within the clock skew, and standing in the
/// <see cref="RevocationSet"/> (not revoked, nor anything upstream of it; every identity and credential on its chain
/// still valid; an <c>act</c> chain that matches its recorded delegation).
/// </summary>
/// <remarks>
/// An agent presents the same token for many calls, and an ES256 verification costs about as much as the
/// rest of a decision. A token that verified once is remembered by its exact text until it expires; a
/// repeat presentation re-checks expiry, audience and that its key is still published, but not the
/// signature. A changed byte is a different text, so a forgery never matches. Standing is checked on every
/// presentation, remembered or not.
/// </remarks>
public sealed class AccessTokenValidator(SigningKeyRing keys, TokenServiceOptions options, TimeProvider time, RevocationSet revocations)
{
    /// <summary>Most tokens remembered; past this, expired entries are swept and, if needed, all are forgotten.</summary>
    public const int MaxRemembered = VerifiedTokens.MaxRemembered;

    private readonly VerifiedTokens _verified = new(time, options.ClockSkew);

    /// <summary>Validates <paramref name="token"/> for <paramref name="audience"/> (Mandate's own by default).</summary>
    public AccessTokenValidation Validate(string token, string? audience = null) => InStanding(Run(token, audience ?? options.DefaultAudience));

    /// <summary>
    /// Answers from memory only: true with the outcome when <paramref name="token"/> verified before (for Mandate's own
    /// audience); false when it would need a full verification.
    /// </summary>
    public bool TryValidateRemembered(string token, out AccessTokenValidation result)
    {
        var known = _verified.TryRecheck(token, kid => keys.Find(kid) is not null, options.DefaultAudience, out result);
        result = InStanding(result);
        return known;
    }

    /// <summary>Validates everything but the audience: for introspection and token exchange, where the caller is not the audience.</summary>
    public AccessTokenValidation ValidateAnyAudience(string token) => InStanding(Run(token, null));

    /// <summary>
    /// Whether this issuer issued the token and it has not expired, whatever its standing: a token of a suspended
    /// identity can still be revoked, so it stays refused after the identity is resumed.
    /// </summary>
    public AccessTokenValidation ValidateIssued(string token) => Run(token, null);

    private AccessTokenValidation InStanding(AccessTokenValidation result) =>
        result.Token is { } valid && revocations.Check(valid.Lineage) is { } reason ? AccessTokenValidation.Fail(reason) : result;

    private AccessTokenValidation Run(string token, string? audience)
    {
        if (_verified.TryRecheck(token, kid => keys.Find(kid) is not null, audience, out var rechecked))
        {
            return rechecked;
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
        AccessTokenRules.Check(jws, kid => keys.Find(kid)?.PublicJwk, options.Issuer, audience, time.GetUtcNow(), options.ClockSkew);
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
    DateTimeOffset IssuedAt, IReadOnlyList<string> Audiences, string? KeyThumbprint = null)
{
    /// <summary>Its <c>act</c> chain, current actor first; empty when no one acts for the subject.</summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    /// <summary>The identity its <c>may_act</c> names, if any.</summary>
    public string? MayAct { get; init; }

    /// <summary>Its authorization details; null when it carries none (unrestricted by details).</summary>
    public IReadOnlyList<MandateDetail>? AuthorizationDetails { get; init; }

    /// <summary>The credential that obtained it (<c>cred</c>), if stated.</summary>
    public string? CredentialId { get; init; }

    /// <summary>Everyone on the token's chain: its actors, current first, then its subject.</summary>
    public IReadOnlyList<string> Chain => [.. Actors, Subject];

    /// <summary>Who holds the token: its current actor, or its subject when no one acts for it.</summary>
    public string Holder => Actors.Count > 0 ? Actors[0] : Subject;

    /// <summary>What a standing check needs.</summary>
    public TokenLineage Lineage => new(TokenId, Subject, ClientId, Actors, CredentialId);
}

/// <summary>A validated token, or why it was refused.</summary>
public readonly record struct AccessTokenValidation(ValidatedAccessToken? Token, string? Error)
{
    internal static AccessTokenValidation Fail(string error) => new(null, error);
}
