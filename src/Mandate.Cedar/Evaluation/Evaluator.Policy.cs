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
        if (!ScopeMatches(compiled.Principal, _request.Principal) || !ActionMatches(compiled) || !ScopeMatches(compiled.Resource, _request.Resource))
        {
            return PolicyOutcome.NotSatisfied;
        }

        return EvaluateCondition(compiled.Condition);
    }

    /// <summary>
    /// Evaluates a candidate the policy index found for this request: when the index has matched its scope
    /// entities exactly (<see cref="CompiledPolicy.ScopeIndexed"/>), only the <c>is</c> types and the conditions
    /// are checked, so a decision does not read the policy's scope entities again; otherwise as <see cref="Evaluate(CompiledPolicy)"/>.
    /// </summary>
    public PolicyOutcome EvaluateCandidate(CompiledPolicy compiled)
    {
        if (!compiled.ScopeIndexed)
        {
            return Evaluate(compiled);
        }

        return compiled.Principal.AdmitsTypeOf(_request.Principal) && compiled.Resource.AdmitsTypeOf(_request.Resource)
            ? EvaluateCondition(compiled.Condition)
            : PolicyOutcome.NotSatisfied;
    }

    /// <summary>
    /// Evaluates a condition split in two (<see cref="CompiledPolicy.ConditionHead"/> and <see cref="CompiledPolicy.ConditionTail"/>)
    /// as their conjunction: the tail only when the head holds.
    /// </summary>
    public PolicyOutcome EvaluateCondition(CompiledExpression? head, CompiledExpression? tail)
    {
        var outcome = EvaluateCondition(head);
        return outcome == PolicyOutcome.Satisfied && tail is not null ? EvaluateCondition(tail) : outcome;
    }

    /// <summary>Evaluates a policy's <see cref="CompiledPolicy.Condition"/> (null: none, so it holds) once its scope is known to match.</summary>
    public PolicyOutcome EvaluateCondition(CompiledExpression? condition)
    {
        if (condition is null)
        {
            return PolicyOutcome.Satisfied;
        }

        return ExpressionCompiler.Boolean(this, condition) switch
        {
            null => PolicyOutcome.Failed,
            { Value: true } => PolicyOutcome.Satisfied,
            _ => PolicyOutcome.NotSatisfied,
        };
    }

    private bool ScopeMatches(in CompiledScope scope, EntityUid uid) => scope.Operator switch
    {
        ScopeOperator.Any => true,
        ScopeOperator.Equal => uid.Equals(Concrete(scope.Entity)),
        ScopeOperator.In => IsIn(uid, Concrete(scope.Entity)),
        ScopeOperator.Is => uid.EntityType.Equals(scope.EntityType),
        ScopeOperator.IsIn => uid.EntityType.Equals(scope.EntityType) && IsIn(uid, Concrete(scope.Entity)),
        _ => throw new InvalidOperationException($"unknown scope constraint `{scope.Operator}`"),
    };

    // Policy sets never hand unlinked templates to the evaluator.
    private static EntityUid Concrete(EntityUid? entity) =>
        entity ?? throw new InvalidOperationException("a template must be linked before it is evaluated");

    private bool ActionMatches(CompiledPolicy compiled)
    {
        switch (compiled.ActionOperator)
        {
            case ActionScopeOperator.Any:
                return true;
            case ActionScopeOperator.Equal:
                return _request.Action.Equals(compiled.Actions[0]);
            default:
                foreach (var entity in compiled.Actions)
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
