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
    public int Candidates(PreparedRequest request, Span<int> destination)
    {
        if (_policies.Length == 0)
        {
            return 0;
        }

        var seen = Marks.For(_policies.Length);
        var count = 0;
        foreach (var i in _unanchored)
        {
            seen.Mark(i);
            destination[count++] = i;
        }

        count = Collect(_byPrincipal, request.PrincipalLineage, ref seen, destination, count);
        count = Collect(_byResource, request.ResourceLineage, ref seen, destination, count);
        count = Collect(_byAction, request.ActionLineage, ref seen, destination, count);
        destination[..count].Sort();
        return count;
    }

    private static int Collect(FrozenDictionary<EntityUid, int[]> index, EntityUid[] lineage, ref Marks seen, Span<int> destination, int count)
    {
        if (index.Count == 0)
        {
            return count;
        }

        foreach (var key in lineage)
        {
            if (index.TryGetValue(key, out var ordinals))
            {
                foreach (var i in ordinals)
                {
                    if (seen.Mark(i))
                    {
                        destination[count++] = i;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The policies that could apply to <paramref name="principal"/> doing <paramref name="action"/> on some
    /// resource: those filed under the principal or the action (or their ancestors), every policy filed under a
    /// resource, and the unanchored ones. Ascending, without duplicates.
    /// </summary>
    public List<int> CandidatesForAnyResource(EntityUid principal, EntityUid action, EntityStore entities)
    {
        var result = new HashSet<int>(_unanchored);
        foreach (var key in entities.Ancestors(principal).Append(principal))
        {
            result.UnionWith(_byPrincipal.GetValueOrDefault(key, []));
        }

        foreach (var key in entities.Ancestors(action).Append(action))
        {
            result.UnionWith(_byAction.GetValueOrDefault(key, []));
        }

        foreach (var ordinals in _byResource.Values)
        {
            result.UnionWith(ordinals);
        }

        return [.. result.Order()];
    }

    /// <summary>
    /// Which policies were already collected for the current request: a per-thread array of stamps, where a new
    /// stamp forgets every earlier mark at once, so no request clears or allocates an array.
    /// </summary>
    private struct Marks
    {
        [ThreadStatic]
        private static int[]? t_stamps;

        [ThreadStatic]
        private static int t_stamp;

        private int[] _stamps;
        private int _stamp;

        public static Marks For(int policies)
        {
            var stamps = t_stamps;
            if (stamps is null || stamps.Length < policies || t_stamp == int.MaxValue)
            {
                t_stamps = stamps = new int[Math.Max(policies, stamps?.Length ?? 0)];
                t_stamp = 0;
            }

            return new Marks { _stamps = stamps, _stamp = ++t_stamp };
        }

        /// <summary>Marks policy <paramref name="i"/>; false when it was already marked.</summary>
        public readonly bool Mark(int i)
        {
            if (_stamps[i] == _stamp)
            {
                return false;
            }

            _stamps[i] = _stamp;
            return true;
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
