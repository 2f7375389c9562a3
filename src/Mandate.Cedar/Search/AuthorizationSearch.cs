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
        InIdOrder(entities.OfType(principalType).Where(p => Allowed(policies, entities, new Request(p, action, resource, context))));

    /// <summary>
    /// Resources of <paramref name="resourceType"/> in the store on which <paramref name="principal"/> may do
    /// <paramref name="action"/>, in id order. Only resources some permit's scope can reach are considered: when
    /// every permit that could apply names its resources (<c>==</c>, <c>in</c>), just those and their descendants,
    /// and each is first checked against the permits that reach it alone; only a resource one of them allows
    /// (a decision needs a satisfied permit) is decided in full. A permit with a condition part that never reads
    /// <c>resource</c> and is not true for this principal and context holds for no resource, so nothing it reaches
    /// is checked for it. A permit open to every resource of the type means deciding them all.
    /// </summary>
    public static IReadOnlyList<EntityUid> Resources(PolicySet policies, EntityStore entities, EntityUid principal, EntityUid action, Name resourceType, RecordValue context)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(entities);
        var basis = new PreparedRequest(new Request(principal, action, principal, context), entities);
        var permits = ApplicablePermits(policies, entities, principal, action, resourceType);
        var candidates = permits is null
            ? entities.OfType(resourceType).Select(resource => new PreparedRequest(basis, resource))
            : PermittedByOne(permits, basis, resourceType);
        return InIdOrder(candidates.Where(request => Allowed(policies, request)).Select(request => request.Request.Resource));
    }

    // The resources of the type that at least one of the permits, evaluated alone, is satisfied for, prepared once
    // for that check and the full decision after it.
    private static List<PreparedRequest> PermittedByOne(List<(CompiledPolicy Permit, EntityUid Anchor, bool Descendants)> permits, PreparedRequest basis, Name resourceType)
    {
        var seen = new HashSet<EntityUid>();
        var permitted = new List<PreparedRequest>();
        foreach (var (permit, anchor, descendants) in permits)
        {
            if (!MayHold(permit, basis))
            {
                continue;
            }

            Check(permit, anchor);
            if (descendants)
            {
                foreach (var resource in basis.Entities.Descendants(anchor))
                {
                    Check(permit, resource);
                }
            }
        }

        return permitted;

        void Check(CompiledPolicy permit, EntityUid resource)
        {
            if (!resource.EntityType.Equals(resourceType) || seen.Contains(resource) || !basis.Entities.TryGet(resource, out _))
            {
                return;
            }

            var request = new PreparedRequest(basis, resource);
            var evaluator = Evaluator.Rent(request);
            try
            {
                if (evaluator.Evaluate(permit) == PolicyOutcome.Satisfied)
                {
                    seen.Add(resource);
                    permitted.Add(request);
                }
            }
            finally
            {
                Evaluator.Return(evaluator);
            }
        }
    }

    // Whether the permit can hold for any resource: each of its conditions' parts that never read `resource` is true.
    private static bool MayHold(CompiledPolicy permit, PreparedRequest basis)
    {
        var guards = permit.ResourceIndependentGuards;
        if (guards.Length == 0)
        {
            return true;
        }

        var evaluator = Evaluator.Rent(basis);
        try
        {
            foreach (var guard in guards)
            {
                if (guard(evaluator) is not BoolValue { Value: true })
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            Evaluator.Return(evaluator);
        }
    }

    // The permits that could apply, each with the resource its scope is anchored on and whether it reaches that
    // resource's descendants too; null when one reaches every resource of the type.
    private static List<(CompiledPolicy Permit, EntityUid Anchor, bool Descendants)>? ApplicablePermits(
        PolicySet policies, EntityStore entities, EntityUid principal, EntityUid action, Name resourceType)
    {
        var permits = new List<(CompiledPolicy, EntityUid, bool)>();
        var index = policies.Index;

        // The index matches the principal's scope entity and the action scope exactly; the `is` type is left.
        foreach (var ordinal in index.CandidatesForAnyResource(principal, action, entities))
        {
            var compiled = index.Policies[ordinal];
            if (compiled.Forbid || !compiled.Principal.AdmitsTypeOf(principal))
            {
                continue;
            }

            var scope = compiled.Resource;
            switch (scope.Operator)
            {
                case ScopeOperator.Any:
                    return null;
                case ScopeOperator.Is or ScopeOperator.IsIn when !resourceType.Equals(scope.EntityType):
                    continue;
                case ScopeOperator.Is:
                    return null;
                default:
                    permits.Add((compiled, scope.Entity!, scope.Operator != ScopeOperator.Equal));
                    break;
            }
        }

        return permits;
    }

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

        return InIdOrder(candidates.Where(a => Allowed(policies, entities, new Request(principal, a, resource, context))));
    }

    private static bool IsAction(EntityUid uid) => uid.EntityType.Basename == "Action";

    // Decided without building a response: a search needs only the decision, for thousands of candidates.
    private static bool Allowed(PolicySet policies, EntityStore entities, Request request) =>
        Allowed(policies, new PreparedRequest(request, entities));

    private static bool Allowed(PolicySet policies, PreparedRequest request) =>
        Authorizer.Decide(request, policies, [], out _) == Decision.Allow;

    // Sorting what is allowed, not every candidate: a search over a whole type usually allows a small part of it.
    private static EntityUid[] InIdOrder(IEnumerable<EntityUid> allowed)
    {
        var result = allowed.ToArray();
        Array.Sort(result, static (a, b) => string.CompareOrdinal(a.Id, b.Id) is var byId and not 0 ? byId : string.CompareOrdinal(a.EntityType.FullName, b.EntityType.FullName));
        return result;
    }
}
