using Mandate.Cedar.Values;
using Mandate.Tokens.Details;
using Mandate.Tokens.Validation;

namespace Mandate.Authorization.Delegation;

/// <summary>
/// Decides a request made with a delegated token as the intersection over its chain: the request must lie inside the
/// token's authorization details (which token exchange only ever narrows, so they are the narrowest of every hop),
/// and policy must allow every identity on the chain — the current actor, every actor above it and the subject —
/// each decided as the principal with the same action, resource and context. The first hop that is refused decides.
/// Revoked, suspended or expired hops are refused before this (the token's standing) and again here (the kill switch
/// of each hop's decision).
/// </summary>
internal static class DelegatedDecisions
{
    public static DecisionResult Decide(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now, Func<DecisionRequest, DecisionResult> decideOne)
    {
        var token = request.Token!;
        var chain = new EntityUid[token.Chain.Count];
        for (var i = 0; i < chain.Length; i++)
        {
            if (!snapshot.Identities.TryGetValue(token.Chain[i], out var identity))
            {
                return Refused(token, token.Chain[i], $"`{token.Chain[i]}` on the token's chain is not an identity Mandate knows");
            }

            chain[i] = new EntityUid(EntityTypeNames.Parse(EntityGraph.TypeOf(identity.Kind)), identity.Id);
        }

        if (!request.Principal.Equals(chain[0]))
        {
            return Refused(token, chain[0].ToString(), $"the subject `{request.Principal}` is not the token's holder `{chain[0]}`");
        }

        var context = DecisionContext.For(request, now);
        if (token.AuthorizationDetails is { } details)
        {
            var purpose = context.TryGetValue("purpose", out var stated) && stated is StringValue text ? text.Value : null;
            var granted = Granting(details, request, purpose, now);
            if (granted is null)
            {
                return Refused(token, chain[0].ToString(), "the request lies outside the token's authorization_details (action, resource, purpose or time window)");
            }

            if (purpose is null && granted.Purpose is { } bound)
            {
                context = context.With("purpose", new StringValue(bound));
            }
        }

        context = context.With("delegation", Delegation(token, chain));
        var reasons = new List<string>();
        var errors = new List<DecisionError>();
        foreach (var hop in chain)
        {
            var result = decideOne(request with
            {
                Principal = hop,
                Context = context,
                PrincipalProperties = hop.Equals(chain[0]) ? request.PrincipalProperties : null,
                Token = null,
                Transaction = null,
            });
            if (!result.Allowed)
            {
                // Naming the hop says something only when there is more than one.
                return chain.Length > 1 ? result with { FailedHop = hop.ToString() } : result;
            }

            reasons.AddRange(result.Reasons.Where(r => !reasons.Contains(r)));
            errors.AddRange(result.Errors);
        }

        return new DecisionResult(true, reasons, errors);
    }

    // The first detail the request lies inside; a detail bound to a purpose covers a request that states none.
    private static MandateDetail? Granting(IReadOnlyList<MandateDetail> details, DecisionRequest request, string? purpose, DateTimeOffset now)
    {
        foreach (var detail in details)
        {
            if (detail.Permits(request.Action, request.Resource, purpose ?? detail.Purpose, now))
            {
                return detail;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>context.delegation</c>: <c>actor</c> (the holder), <c>subject</c> (on whose behalf), <c>chain</c> (every
    /// identity on it), <c>depth</c> (how many actors), <c>token</c> (its <c>jti</c>) and <c>scopes</c>.
    /// </summary>
    private static RecordValue Delegation(ValidatedAccessToken token, EntityUid[] chain) => new(
    [
        new("actor", chain[0]),
        new("subject", chain[^1]),
        new("chain", new SetValue(chain)),
        new("depth", new LongValue(token.Actors.Count)),
        new("token", new StringValue(token.TokenId)),
        new("scopes", new SetValue(token.Scopes.Select(s => (CedarValue)new StringValue(s)))),
    ]);

    private static DecisionResult Refused(ValidatedAccessToken token, string hop, string message) =>
        new(false, [], [new DecisionError("mandate", message)]) { FailedHop = token.Actors.Count > 0 ? hop : null };
}
