using System.Buffers;
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
        var rented = ArrayPool<int>.Shared.Rent(Math.Max(index.Policies.Length, 1));
        try
        {
            var count = index.Candidates(request.Principal, request.Action, request.Resource, entities, rented);
            return Decide(new Evaluator(request, entities), index, rented.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static AuthorizationResponse Decide(Evaluator evaluator, PolicyIndex index, ReadOnlySpan<int> candidates)
    {
        List<string>? permits = null;
        List<string>? forbids = null;
        List<PolicyError>? errors = null;
        foreach (var ordinal in candidates)
        {
            var compiled = index.Policies[ordinal];
            var policy = compiled.Source;
            switch (evaluator.Evaluate(compiled))
            {
                case PolicyOutcome.Satisfied when policy.Effect == Effect.Forbid:
                    (forbids ??= []).Add(policy.Id);
                    break;
                case PolicyOutcome.Satisfied:
                    (permits ??= []).Add(policy.Id);
                    break;
                case PolicyOutcome.Failed:
                    (errors ??= []).Add(new PolicyError(policy.Id, evaluator.Error ?? "evaluation failed"));
                    break;
            }
        }

        IReadOnlyList<PolicyError> reportedErrors = errors is null ? [] : errors;
        if (forbids is not null)
        {
            return new AuthorizationResponse(Decision.Deny, forbids, reportedErrors);
        }

        return permits is not null
            ? new AuthorizationResponse(Decision.Allow, permits, reportedErrors)
            : new AuthorizationResponse(Decision.Deny, [], reportedErrors);
    }
}
