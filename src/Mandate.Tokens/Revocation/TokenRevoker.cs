using Mandate.Core.Delegations;
using Mandate.Core.Storage;
using Mandate.Tokens.Validation;

namespace Mandate.Tokens.Revocation;

/// <summary>
/// RFC 7009 revocation and revocation by token id: the revocation is stored durably, then added to the
/// <see cref="RevocationSet"/>, which refuses the token and everything exchanged from it from that instant on.
/// </summary>
public sealed class TokenRevoker(
    IDelegationStore store, RevocationSet revocations, AccessTokenValidator validator, TransactionTokenValidator transactions, TokenServiceOptions options,
    TimeProvider time, ITokenEvents events)
{
    /// <summary>The token type hints this server understands (RFC 7009 section 2.1).</summary>
    public static readonly string[] TokenTypeHints = ["access_token"];

    /// <summary>
    /// Revokes <paramref name="token"/> for <paramref name="callerId"/> (a client, or the admin when <paramref name="isAdmin"/>).
    /// A token this issuer did not issue, or that expired, needs no revocation and answers success, as RFC 7009 requires;
    /// a token of another client is refused, and a transaction token is <c>unsupported_token_type</c>. A token that is only inactive (its identity suspended, its parent
    /// revoked) is still revoked, so it stays refused whatever happens upstream later.
    /// </summary>
    public async ValueTask<OAuthError?> RevokeAsync(string token, string callerId, bool isAdmin, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var validation = validator.ValidateIssued(token);
        if (validation.Token is not { } valid)
        {
            // RFC 7009 section 2.2.1: a type this endpoint does not revoke is said so, not answered with a silent success.
            return transactions.Validate(token).Token is null
                ? null
                : OAuthError.UnsupportedTokenType(
                    "transaction tokens are not revoked here: they expire within a minute; revoke the access token they came from, or one by its jti at /v1/delegations/{jti}/revoke");
        }

        if (!isAdmin && valid.ClientId != callerId)
        {
            var refusal = OAuthError.InvalidGrant($"the token was issued to `{valid.ClientId}`, not to `{callerId}`; only its client or an admin may revoke it");
            events.Refused(refusal, callerId, context);
            return refusal;
        }

        await RevokeAsync(new TokenRevocation(valid.TokenId, time.GetUtcNow(), valid.ExpiresAt, callerId), valid.Subject, valid.Actors, context, cancellationToken);
        return null;
    }

    /// <summary>
    /// Revokes a token (and so its delegation subtree) by <c>jti</c>, for an admin who does not hold the token.
    /// Returns false when it was already revoked.
    /// </summary>
    public async ValueTask<bool> RevokeByIdAsync(string tokenId, string callerId, string? reason, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var node = revocations.Find(tokenId);

        // Without a node the token's expiry is unknown; no access token outlives this bound.
        var expires = node?.ExpiresAt ?? time.GetUtcNow() + options.AccessTokenLifetime + options.ClockSkew;
        return await RevokeAsync(
            new TokenRevocation(tokenId, time.GetUtcNow(), expires, callerId, reason), node?.SubjectId, node?.Actors ?? [], context, cancellationToken);
    }

    private async ValueTask<bool> RevokeAsync(
        TokenRevocation revocation, string? subject, IReadOnlyList<string> actors, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var recorded = await store.RevokeAsync(revocation, cancellationToken);
        revocations.Revoke(revocation.TokenId, revocation.ExpiresAt);
        if (recorded)
        {
            events.Revoked(new RevokedToken(revocation, subject, actors), context);
        }

        return recorded;
    }
}

/// <summary>A token that was revoked, for the audit trail.</summary>
/// <param name="Revocation">The stored revocation.</param>
/// <param name="Subject">The token's subject, when known.</param>
/// <param name="Actors">Its <c>act</c> chain, current actor first.</param>
public sealed record RevokedToken(TokenRevocation Revocation, string? Subject, IReadOnlyList<string> Actors);
