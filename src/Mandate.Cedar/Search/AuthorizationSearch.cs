using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Search;

/// <summary>
/// Enumerates what a policy set allows over an entity store: which principals of a type may do an action on a
/// resource, which resources of a type a principal may act on, and which actions a principal may take on a
/// resource. Each candidate is decided by the authorizer, so answers agree with single decisions exactly.
/// </summary>
public static class AuthorizationSearch
{
    /// <summary>Principals of <paramref name="principalType"/> in the store allowed to do <paramref name="action"/> on <paramref name="resource"/>, in id order.</summary>
    public static IReadOnlyList<EntityUid> Principals(PolicySet policies, EntityStore entities, Name principalType, EntityUid action, EntityUid resource, RecordValue context) =>
        [.. entities.OfType(principalType).OrderBy(p => p.Id, StringComparer.Ordinal).Where(p => Allowed(policies, entities, new Request(p, action, resource, context)))];

    /// <summary>
    /// Resources of <paramref name="resourceType"/> in the store on which <paramref name="principal"/> may do
    /// <paramref name="action"/>, in id order. Only resources some permit's scope can reach are decided: when
    /// every permit that could apply names its resources (<c>==</c>, <c>in</c>), just those and their descendants;
    /// a permit open to every resource of the type means deciding them all.
    /// </summary>
    public static IReadOnlyList<EntityUid> Resources(PolicySet policies, EntityStore entities, EntityUid principal, EntityUid action, Name resourceType, RecordValue context)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(entities);
        var reachable = ReachableResources(policies, entities, principal, action, resourceType);
        var candidates = reachable is null
            ? entities.OfType(resourceType)
            : reachable.Where(r => r.EntityType.Equals(resourceType) && entities.TryGet(r, out _));
        return [.. candidates.OrderBy(r => r.Id, StringComparer.Ordinal).Where(r => Allowed(policies, entities, new Request(principal, action, r, context)))];
    }

    // The resources the permits that could apply reach through their scope, or null when one reaches every resource.
    private static HashSet<EntityUid>? ReachableResources(PolicySet policies, EntityStore entities, EntityUid principal, EntityUid action, Name resourceType)
    {
        var reachable = new HashSet<EntityUid>();
        var index = policies.Index;
        foreach (var ordinal in index.CandidatesForAnyResource(principal, action, entities))
        {
            var policy = index.Policies[ordinal].Source;
            if (policy.Effect != Effect.Permit || !ScopeMayMatch(policy.Principal, principal, entities) || !ActionMayMatch(policy.Action, action, entities))
            {
                continue;
            }

            var scope = policy.Resource;
            switch (scope.Operator)
            {
                case ScopeOperator.Any:
                    return null;
                case ScopeOperator.Is or ScopeOperator.IsIn when !resourceType.Equals(scope.EntityType):
                    continue;
                case ScopeOperator.Is:
                    return null;
                case ScopeOperator.Equal:
                    reachable.Add(scope.Entity!.Uid!);
                    break;
                default:
                    reachable.Add(scope.Entity!.Uid!);
                    reachable.UnionWith(entities.Descendants(scope.Entity.Uid!));
                    break;
            }
        }

        return reachable;
    }

    private static bool ScopeMayMatch(ScopeConstraint scope, EntityUid uid, EntityStore entities) => scope.Operator switch
    {
        ScopeOperator.Any => true,
        ScopeOperator.Equal => uid.Equals(scope.Entity!.Uid),
        ScopeOperator.In => entities.IsIn(uid, scope.Entity!.Uid!),
        ScopeOperator.Is => uid.EntityType.Equals(scope.EntityType),
        _ => uid.EntityType.Equals(scope.EntityType) && entities.IsIn(uid, scope.Entity!.Uid!),
    };

    private static bool ActionMayMatch(ActionConstraint scope, EntityUid action, EntityStore entities) =>
        scope.Operator == ActionScopeOperator.Any || scope.Entities.Any(a => scope.Operator == ActionScopeOperator.Equal ? action.Equals(a) : entities.IsIn(action, a));

    /// <summary>
    /// Actions <paramref name="principal"/> may take on <paramref name="resource"/>: candidates are the action
    /// entities in the store and every action a policy names in its scope, in id order.
    /// </summary>
    public static IReadOnlyList<EntityUid> Actions(PolicySet policies, EntityStore entities, EntityUid principal, EntityUid resource, RecordValue context)
    {
        var candidates = new HashSet<EntityUid>(entities.Entities.Select(e => e.Uid).Where(IsAction));
        foreach (var policy in policies.Policies)
        {
            candidates.UnionWith(policy.Action.Entities.Where(IsAction));
        }

        return [.. candidates.OrderBy(a => a.Id, StringComparer.Ordinal)
            .Where(a => Allowed(policies, entities, new Request(principal, a, resource, context)))];
    }

    private static bool IsAction(EntityUid uid) => uid.EntityType.Basename == "Action";

    private static bool Allowed(PolicySet policies, EntityStore entities, Request request) =>
        Authorizer.IsAuthorized(request, policies, entities).Decision == Decision.Allow;
}
