using System.Collections.Frozen;
using System.Collections.Immutable;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

/// <summary>
/// Finds the policies whose scope can match a request. Each policy is filed under one anchor entity taken
/// from its scope (principal, then resource, then action); a request looks up its principal, resource and
/// action and their ancestors. Policies without an anchor are always candidates.
/// </summary>
internal sealed class PolicyIndex
{
    private readonly ImmutableArray<Policy> _policies;
    private readonly FrozenDictionary<EntityUid, int[]> _byPrincipal;
    private readonly FrozenDictionary<EntityUid, int[]> _byResource;
    private readonly FrozenDictionary<EntityUid, int[]> _byAction;
    private readonly int[] _unanchored;

    public PolicyIndex(ImmutableArray<Policy> policies)
    {
        _policies = policies;
        var byPrincipal = new Dictionary<EntityUid, List<int>>();
        var byResource = new Dictionary<EntityUid, List<int>>();
        var byAction = new Dictionary<EntityUid, List<int>>();
        var unanchored = new List<int>();
        for (var i = 0; i < policies.Length; i++)
        {
            var policy = policies[i];
            if (Anchor(policy.Principal) is { } principal)
            {
                File(byPrincipal, principal, i);
            }
            else if (Anchor(policy.Resource) is { } resource)
            {
                File(byResource, resource, i);
            }
            else if (policy.Action.Operator != ActionScopeOperator.Any && policy.Action.Entities.Length > 0)
            {
                foreach (var action in policy.Action.Entities.Distinct())
                {
                    File(byAction, action, i);
                }
            }
            else
            {
                unanchored.Add(i);
            }
        }

        _byPrincipal = byPrincipal.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
        _byResource = byResource.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
        _byAction = byAction.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
        _unanchored = [.. unanchored];
    }

    public ImmutableArray<Policy> Policies => _policies;

    /// <summary>The ordinals of candidate policies for the request, ascending and without duplicates.</summary>
    public List<int> Candidates(EntityUid principal, EntityUid action, EntityUid resource, EntityStore entities)
    {
        var seen = new bool[_policies.Length];
        var result = new List<int>(_unanchored);
        foreach (var i in _unanchored)
        {
            seen[i] = true;
        }

        Collect(_byPrincipal, principal, entities, seen, result);
        Collect(_byResource, resource, entities, seen, result);
        Collect(_byAction, action, entities, seen, result);
        result.Sort();
        return result;
    }

    private static void Collect(FrozenDictionary<EntityUid, int[]> index, EntityUid uid, EntityStore entities, bool[] seen, List<int> result)
    {
        if (index.Count == 0)
        {
            return;
        }

        Add(index, uid, seen, result);
        foreach (var ancestor in entities.AncestorsOf(uid))
        {
            Add(index, ancestor, seen, result);
        }
    }

    private static void Add(FrozenDictionary<EntityUid, int[]> index, EntityUid key, bool[] seen, List<int> result)
    {
        if (!index.TryGetValue(key, out var ordinals))
        {
            return;
        }

        foreach (var i in ordinals)
        {
            if (!seen[i])
            {
                seen[i] = true;
                result.Add(i);
            }
        }
    }

    private static EntityUid? Anchor(ScopeConstraint scope) =>
        scope.Operator is ScopeOperator.Equal or ScopeOperator.In or ScopeOperator.IsIn ? scope.Entity?.Uid : null;

    private static void File(Dictionary<EntityUid, List<int>> index, EntityUid key, int ordinal)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(ordinal);
    }
}
