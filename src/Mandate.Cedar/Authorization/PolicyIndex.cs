using System.Collections.Frozen;
using System.Collections.Immutable;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

/// <summary>
/// Finds the policies whose scope can match a request. Each policy is filed under one anchor entity taken
/// from its scope (principal, then resource, then action); a request looks up its principal, resource and
/// action and their ancestors. Policies without an anchor are always candidates.
/// </summary>
internal sealed class PolicyIndex
{
    private readonly ImmutableArray<CompiledPolicy> _policies;
    private readonly FrozenDictionary<EntityUid, int[]> _byPrincipal;
    private readonly FrozenDictionary<EntityUid, int[]> _byResource;
    private readonly FrozenDictionary<EntityUid, int[]> _byAction;
    private readonly int[] _unanchored;

    public PolicyIndex(ImmutableArray<Policy> policies)
    {
        _policies = [.. policies.Select(p => new CompiledPolicy(p))];
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

    public ImmutableArray<CompiledPolicy> Policies => _policies;

    /// <summary>
    /// Writes the ordinals of the candidate policies for the request into <paramref name="destination"/>
    /// (at least <see cref="Policies"/> long), ascending and without duplicates, and returns how many there are.
    /// </summary>
    public int Candidates(EntityUid principal, EntityUid action, EntityUid resource, EntityStore entities, Span<int> destination)
    {
        if (_policies.Length == 0)
        {
            return 0;
        }

        var seen = _policies.Length <= 512 ? stackalloc bool[_policies.Length] : new bool[_policies.Length];
        var count = 0;
        foreach (var i in _unanchored)
        {
            seen[i] = true;
            destination[count++] = i;
        }

        count = Collect(_byPrincipal, principal, entities, seen, destination, count);
        count = Collect(_byResource, resource, entities, seen, destination, count);
        count = Collect(_byAction, action, entities, seen, destination, count);
        destination[..count].Sort();
        return count;
    }

    private static int Collect(FrozenDictionary<EntityUid, int[]> index, EntityUid uid, EntityStore entities, Span<bool> seen, Span<int> destination, int count)
    {
        if (index.Count == 0)
        {
            return count;
        }

        count = Add(index, uid, seen, destination, count);
        foreach (var ancestor in entities.Ancestors(uid))
        {
            count = Add(index, ancestor, seen, destination, count);
        }

        return count;
    }

    private static int Add(FrozenDictionary<EntityUid, int[]> index, EntityUid key, Span<bool> seen, Span<int> destination, int count)
    {
        if (index.TryGetValue(key, out var ordinals))
        {
            foreach (var i in ordinals)
            {
                if (!seen[i])
                {
                    seen[i] = true;
                    destination[count++] = i;
                }
            }
        }

        return count;
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
