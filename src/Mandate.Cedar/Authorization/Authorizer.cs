using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;

namespace Mandate.Cedar.Authorization;

/// <summary>
/// Cedar's authorization algorithm: deny by default; any satisfied <c>forbid</c> denies; otherwise any
/// satisfied <c>permit</c> allows. A policy whose evaluation fails is skipped and reported as an error.
/// </summary>
public static class Authorizer
{
    /// <summary>Decides <paramref name="request"/> under <paramref name="policies"/> with <paramref name="entities"/>.</summary>
    public static AuthorizationResponse IsAuthorized(Request request, PolicySet policies, EntityStore entities)
    {
        var index = policies.Index;
        var evaluator = new Evaluator(request, entities);
        var permits = new List<string>();
        var forbids = new List<string>();
        var errors = new List<PolicyError>();
        foreach (var ordinal in index.Candidates(request.Principal, request.Action, request.Resource, entities))
        {
            var policy = index.Policies[ordinal];
            bool satisfied;
            try
            {
                satisfied = evaluator.IsSatisfied(policy);
            }
            catch (EvaluationException error)
            {
                errors.Add(new PolicyError(policy.Id, error.Message));
                continue;
            }

            if (satisfied)
            {
                (policy.Effect == Effect.Forbid ? forbids : permits).Add(policy.Id);
            }
        }

        return forbids.Count > 0
            ? new AuthorizationResponse(Decision.Deny, forbids, errors)
            : new AuthorizationResponse(permits.Count > 0 ? Decision.Allow : Decision.Deny, permits, errors);
    }
}
