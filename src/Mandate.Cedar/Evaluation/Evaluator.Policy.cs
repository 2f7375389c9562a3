using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>The result of evaluating one policy for one request.</summary>
internal enum PolicyOutcome
{
    /// <summary>The scope did not match or a condition did not hold.</summary>
    NotSatisfied,

    /// <summary>The scope matched and every condition held.</summary>
    Satisfied,

    /// <summary>Evaluation failed; the evaluator's error holds the reason.</summary>
    Failed,
}

internal sealed partial class Evaluator
{
    /// <summary>Checks the scope, then each condition in order, stopping at the first that does not hold.</summary>
    public PolicyOutcome Evaluate(CompiledPolicy compiled)
    {
        var policy = compiled.Source;
        if (!ScopeMatches(policy.Principal, _request.Principal) || !ActionMatches(policy.Action) || !ScopeMatches(policy.Resource, _request.Resource))
        {
            return PolicyOutcome.NotSatisfied;
        }

        foreach (var (body, mustHold) in compiled.Conditions)
        {
            var value = body(this);
            if (value is not BoolValue result)
            {
                if (value is not null)
                {
                    TypeError("a boolean", value);
                }

                return PolicyOutcome.Failed;
            }

            if (result.Value != mustHold)
            {
                return PolicyOutcome.NotSatisfied;
            }
        }

        return PolicyOutcome.Satisfied;
    }

    private bool ScopeMatches(ScopeConstraint scope, EntityUid uid) => scope.Operator switch
    {
        ScopeOperator.Any => true,
        ScopeOperator.Equal => uid.Equals(Concrete(scope.Entity)),
        ScopeOperator.In => IsIn(uid, Concrete(scope.Entity)),
        ScopeOperator.Is => uid.EntityType.Equals(scope.EntityType),
        ScopeOperator.IsIn => uid.EntityType.Equals(scope.EntityType) && IsIn(uid, Concrete(scope.Entity)),
        _ => throw new InvalidOperationException($"unknown scope constraint `{scope.Operator}`"),
    };

    // Policy sets never hand unlinked templates to the evaluator.
    private static EntityUid Concrete(EntityReference? reference) =>
        reference?.Uid ?? throw new InvalidOperationException("a template must be linked before it is evaluated");

    private bool ActionMatches(ActionConstraint scope)
    {
        switch (scope.Operator)
        {
            case ActionScopeOperator.Any:
                return true;
            case ActionScopeOperator.Equal:
                return _request.Action.Equals(scope.Entities[0]);
            default:
                foreach (var entity in scope.Entities)
                {
                    if (IsIn(_request.Action, entity))
                    {
                        return true;
                    }
                }

                return false;
        }
    }
}
