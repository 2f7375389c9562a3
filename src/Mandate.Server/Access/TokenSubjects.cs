using Mandate.Authorization;
using Mandate.Cedar.Values;
using Mandate.Tokens.Validation;

namespace Mandate.Server.Access;

/// <summary>
/// Requests made with tokens: a subject of type <c>access_token</c> whose id is a Mandate access token (the
/// decision is then made for the token's holder, as the intersection over its delegation chain), and a
/// transaction token in the <c>Txn-Token</c> header (its initiator and purpose reach the context). A token that
/// does not validate — forged, expired, revoked anywhere up its chain — turns the decision into a recorded deny.
/// </summary>
internal sealed class TokenSubjects(AccessTokenValidator accessTokens, TransactionTokenValidator transactionTokens, TimeProvider time)
{
    /// <summary>The AuthZEN subject type that carries an access token as its id.</summary>
    public const string SubjectType = "access_token";

    /// <summary>The header that propagates a transaction token (draft-ietf-oauth-transaction-tokens).</summary>
    public const string TransactionHeader = "Txn-Token";

    // Who a refused token is recorded as acting for when not even its claims can be trusted.
    private static readonly EntityUid Unverified = EntityUid.Of("Mandate::AccessToken", "unverified");

    /// <summary>
    /// The request with its subject token resolved: the holder as principal and the validated token, or a refusal.
    /// The token's audience is not checked: the enforcement point that received it checked it is the audience.
    /// </summary>
    public DecisionRequest Resolve(DecisionRequest request, string token, AuthorizationSnapshot snapshot)
    {
        var validation = accessTokens.ValidateAnyAudience(token);
        if (validation.Token is { } valid)
        {
            return Holder(valid, snapshot) is { } holder
                ? request with { Principal = holder, Token = valid }
                : request with { Principal = Unverified, Refusal = $"the subject token's holder `{valid.Holder}` is not an identity Mandate knows" };
        }

        // Signed by us and unexpired but out of standing (revoked, suspended): its claims say whose it was.
        var issued = accessTokens.ValidateIssued(token).Token;
        return request with
        {
            Principal = issued is not null && Holder(issued, snapshot) is { } known ? known : Unverified,
            Token = issued,
            Refusal = $"the subject token is not valid: {validation.Error}{(issued is null ? null : InactiveOnChain(issued, snapshot, time.GetUtcNow()))}",
        };
    }

    // The kill switch as the reason, when an identity on the chain is the cause: "(`bot` is suspended)".
    private static string? InactiveOnChain(ValidatedAccessToken token, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        foreach (var id in token.Chain)
        {
            if (snapshot.Identities.TryGetValue(id, out var identity) && !identity.IsEffective(now))
            {
                return $" (`{id}` is {DecisionEngine.Describe(identity)})";
            }
        }

        return null;
    }

    /// <summary>The request with the transaction token of <paramref name="header"/> validated into it, or a refusal.</summary>
    public DecisionRequest WithTransaction(DecisionRequest request, string header)
    {
        var validation = transactionTokens.Validate(header);
        return validation.Token is { } valid
            ? request with { Transaction = valid }
            : request with { Refusal = request.Refusal ?? $"the `{TransactionHeader}` token is not valid: {validation.Error}" };
    }

    private static EntityUid? Holder(ValidatedAccessToken token, AuthorizationSnapshot snapshot) =>
        snapshot.Identities.TryGetValue(token.Holder, out var identity)
            ? new EntityUid(EntityTypeNames.Parse(EntityGraph.TypeOf(identity.Kind)), identity.Id)
            : null;
}
