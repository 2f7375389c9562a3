using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// Evaluates Cedar expressions and policies against one request and entity store. Failures throw
/// <see cref="EvaluationException"/>; the authorizer turns them into policy errors.
/// </summary>
internal sealed partial class Evaluator(Request request, EntityStore entities)
{
    private readonly Request _request = request;
    private readonly EntityStore _entities = entities;

    public bool IsSatisfied(Policy policy)
    {
        if (!ScopeMatches(policy.Principal, _request.Principal) || !ActionMatches(policy.Action) || !ScopeMatches(policy.Resource, _request.Resource))
        {
            return false;
        }

        foreach (var condition in policy.Conditions)
        {
            var value = AsBool(Evaluate(condition.Body));
            if (value != (condition.Kind == ConditionKind.When))
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

    public CedarValue Evaluate(Expr expr)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case VariableExpr variable:
                return variable.Variable switch
                {
                    Variable.Principal => _request.Principal,
                    Variable.Action => _request.Action,
                    Variable.Resource => _request.Resource,
                    _ => _request.Context,
                };
            case AndExpr and:
                return AsBool(Evaluate(and.Left)) ? BoolValue.Of(AsBool(Evaluate(and.Right))) : BoolValue.False;
            case OrExpr or:
                return AsBool(Evaluate(or.Left)) ? BoolValue.True : BoolValue.Of(AsBool(Evaluate(or.Right)));
            case IfExpr conditional:
                return AsBool(Evaluate(conditional.Condition)) ? Evaluate(conditional.Then) : Evaluate(conditional.Else);
            case UnaryExpr unary:
                return EvaluateUnary(unary);
            case BinaryExpr binary:
                return EvaluateBinary(binary.Operator, Evaluate(binary.Left), Evaluate(binary.Right));
            case GetAttributeExpr get:
                return GetAttribute(Evaluate(get.Target), get.Attribute);
            case HasAttributeExpr has:
                return BoolValue.Of(HasAttribute(Evaluate(has.Target), has.Attribute));
            case LikeExpr like:
                return BoolValue.Of(like.Pattern.IsMatch(AsString(Evaluate(like.Target))));
            case IsExpr isExpr:
                return EvaluateIs(isExpr);
            case SetExpr set:
                return EvaluateSet(set);
            case RecordExpr record:
                return EvaluateRecord(record);
            case ExtensionCallExpr call:
                return EvaluateExtensionCall(call);
            case SlotExpr slot:
                throw new EvaluationException($"template slot `{Policy.SlotText(slot.Slot)}` has no value");
            default:
                throw new EvaluationException("unsupported expression");
        }
    }

    private CedarValue EvaluateUnary(UnaryExpr unary)
    {
        var operand = Evaluate(unary.Operand);
        switch (unary.Operator)
        {
            case UnaryOperator.Not:
                return BoolValue.Of(!AsBool(operand));
            case UnaryOperator.Negate:
                var value = AsLong(operand);
                if (value == long.MinValue)
                {
                    throw new EvaluationException($"integer overflow while attempting to negate `{value}`");
                }

                return new LongValue(-value);
            default:
                return BoolValue.Of(AsSet(operand).Count == 0);
        }
    }

    private CedarValue EvaluateIs(IsExpr isExpr)
    {
        var target = AsEntity(Evaluate(isExpr.Target));
        if (!target.EntityType.Equals(isExpr.EntityType))
        {
            return BoolValue.False;
        }

        return isExpr.In is null ? BoolValue.True : EvaluateBinary(BinaryOperator.In, target, Evaluate(isExpr.In));
    }

    private SetValue EvaluateSet(SetExpr set)
    {
        var values = new CedarValue[set.Elements.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Evaluate(set.Elements[i]);
        }

        return new SetValue(values);
    }

    private RecordValue EvaluateRecord(RecordExpr record)
    {
        var fields = new KeyValuePair<string, CedarValue>[record.Fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new(record.Fields[i].Key, Evaluate(record.Fields[i].Value));
        }

        return new RecordValue(fields);
    }

    private CedarValue GetAttribute(CedarValue target, string attribute)
    {
        switch (target)
        {
            case RecordValue record:
                return record.TryGetValue(attribute, out var field)
                    ? field
                    : throw new EvaluationException($"record does not have the attribute `{attribute}`");
            case EntityUid uid:
                if (!_entities.TryGet(uid, out var entity))
                {
                    throw new EvaluationException($"entity `{uid}` does not exist");
                }

                return entity.Attributes.TryGetValue(attribute, out var value)
                    ? value
                    : throw new EvaluationException($"`{uid}` does not have the attribute `{attribute}`");
            default:
                throw TypeError("an entity or a record", target);
        }
    }

    private bool HasAttribute(CedarValue target, string attribute) => target switch
    {
        RecordValue record => record.ContainsKey(attribute),
        EntityUid uid => _entities.TryGet(uid, out var entity) && entity.Attributes.ContainsKey(attribute),
        _ => throw TypeError("an entity or a record", target),
    };
}
