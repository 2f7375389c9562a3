using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Validation;

/// <summary>
/// Checks a policy's scope against the actions' <c>appliesTo</c>: at least one action the scope names must
/// apply to some principal type and some resource type the scope allows, or the policy is a mistake.
/// </summary>
internal static class ActionApplication
{
    public static bool CanApply(SchemaFacts schema, Policy policy)
    {
        var principals = TypesAllowedBy(schema, policy.Principal);
        var resources = TypesAllowedBy(schema, policy.Resource);
        foreach (var action in ActionsAllowedBy(schema, policy.Action))
        {
            if (schema.Schema.Actions.TryGetValue(new Schema.ActionUid(action.EntityType.FullName, action.Id), out var definition)
                && Overlaps(principals, definition.PrincipalTypes)
                && Overlaps(resources, definition.ResourceTypes))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Overlaps(HashSet<string>? allowed, IReadOnlyList<string> applicable) =>
        allowed is null ? applicable.Count > 0 : applicable.Any(allowed.Contains);

    // The entity types a principal or resource scope admits; null for every type.
    private static HashSet<string>? TypesAllowedBy(SchemaFacts schema, ScopeConstraint scope)
    {
        if (scope.Operator == ScopeOperator.Any || (scope.Entity is not null && scope.Entity.Uid is null))
        {
            return null;
        }

        var entity = scope.Entity?.Uid;
        return scope.Operator switch
        {
            ScopeOperator.Equal => [entity!.EntityType.FullName],
            ScopeOperator.In => [entity!.EntityType.FullName, .. schema.Schema.EntityTypes.Keys.Where(t => schema.MayDescend(t, entity.EntityType.FullName))],
            ScopeOperator.Is => [scope.EntityType!.FullName],
            _ => schema.MayDescend(scope.EntityType!.FullName, entity!.EntityType.FullName) ? [scope.EntityType!.FullName] : [],
        };
    }

    private static IEnumerable<EntityUid> ActionsAllowedBy(SchemaFacts schema, ActionConstraint scope)
    {
        var declared = schema.Schema.Actions.Keys.Select(SchemaFacts.ToUid);
        return scope.Operator switch
        {
            ActionScopeOperator.Any => declared,
            ActionScopeOperator.Equal => scope.Entities,
            _ => declared.Where(action => scope.Entities.Any(group => schema.ActionIn(action, group))),
        };
    }
}
