using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

internal sealed partial class Evaluator
{
    /// <summary>Whether the scope matches and every condition holds, checked in that order with short-circuiting.</summary>
    public bool IsSatisfied(CompiledPolicy compiled)
    {
        var policy = compiled.Source;
        if (!ScopeMatches(policy.Principal, _request.Principal) || !ActionMatches(policy.Action) || !ScopeMatches(policy.Resource, _request.Resource))
        {
            return false;
        }

        foreach (var (body, mustHold) in compiled.Conditions)
        {
            if (AsBool(body(this)) != mustHold)
            {
                return false;
            }
        }

        return true;
    }

    private bool ScopeMatches(ScopeConstraint scope, EntityUid uid) => scope.Operator switch
    {
        ScopeOperator.Any => true,
        ScopeOperator.Equal => uid.Equals(Concrete(scope.Entity)),
        ScopeOperator.In => _entities.IsIn(uid, Concrete(scope.Entity)),
        ScopeOperator.Is => uid.EntityType.Equals(scope.EntityType),
        ScopeOperator.IsIn => uid.EntityType.Equals(scope.EntityType) && _entities.IsIn(uid, Concrete(scope.Entity)),
        _ => throw new EvaluationException("unknown scope constraint"),
    };

    private static EntityUid Concrete(EntityReference? reference) =>
        reference?.Uid ?? throw new EvaluationException("the policy is a template: link it before evaluating it");

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
                    if (_entities.IsIn(_request.Action, entity))
                    {
                        return true;
                    }
                }

                return false;
        }
    }
}
