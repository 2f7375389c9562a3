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
        [.. OfType(entities, principalType).Where(p => Allowed(policies, entities, new Request(p, action, resource, context)))];

    /// <summary>Resources of <paramref name="resourceType"/> in the store on which <paramref name="principal"/> may do <paramref name="action"/>, in id order.</summary>
    public static IReadOnlyList<EntityUid> Resources(PolicySet policies, EntityStore entities, EntityUid principal, EntityUid action, Name resourceType, RecordValue context) =>
        [.. OfType(entities, resourceType).Where(r => Allowed(policies, entities, new Request(principal, action, r, context)))];

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

    private static IEnumerable<EntityUid> OfType(EntityStore entities, Name type) =>
        entities.Entities.Select(e => e.Uid).Where(uid => uid.EntityType.Equals(type)).OrderBy(uid => uid.Id, StringComparer.Ordinal);

    private static bool Allowed(PolicySet policies, EntityStore entities, Request request) =>
        Authorizer.IsAuthorized(request, policies, entities).Decision == Decision.Allow;
}
