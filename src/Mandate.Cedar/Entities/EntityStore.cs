using System.Collections.Frozen;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Entities;

/// <summary>
/// An immutable set of entities with every entity's transitive ancestors computed once, so hierarchy tests
/// (<c>in</c>) are a set lookup.
/// </summary>
public sealed class EntityStore
{
    private readonly FrozenDictionary<EntityUid, Entity> _entities;
    private readonly FrozenDictionary<EntityUid, FrozenSet<EntityUid>> _ancestors;

    /// <summary>Creates the store; uids must be distinct.</summary>
    public EntityStore(IEnumerable<Entity> entities)
    {
        var map = new Dictionary<EntityUid, Entity>();
        foreach (var entity in entities)
        {
            if (!map.TryAdd(entity.Uid, entity))
            {
                throw new ArgumentException($"duplicate entity `{entity.Uid}`", nameof(entities));
            }
        }

        _entities = map.ToFrozenDictionary();
        var ancestors = new Dictionary<EntityUid, FrozenSet<EntityUid>>();
        foreach (var uid in map.Keys)
        {
            ancestors[uid] = CollectAncestors(uid, map);
        }

        _ancestors = ancestors.ToFrozenDictionary();
    }

    /// <summary>A store without entities.</summary>
    public static EntityStore Empty { get; } = new([]);

    /// <summary>All entities.</summary>
    public IEnumerable<Entity> Entities => _entities.Values;

    /// <summary>How many entities the store holds.</summary>
    public int Count => _entities.Count;

    /// <summary>Looks an entity up.</summary>
    public bool TryGet(EntityUid uid, out Entity entity) => _entities.TryGetValue(uid, out entity!);

    /// <summary>The transitive ancestors of <paramref name="uid"/> (empty when unknown), excluding itself.</summary>
    public IReadOnlySet<EntityUid> AncestorsOf(EntityUid uid) =>
        _ancestors.TryGetValue(uid, out var set) ? set : FrozenSet<EntityUid>.Empty;

    /// <summary>Cedar's <c>in</c>: equal, or <paramref name="ancestor"/> is a transitive parent.</summary>
    public bool IsIn(EntityUid uid, EntityUid ancestor) =>
        uid.Equals(ancestor) || (_ancestors.TryGetValue(uid, out var set) && set.Contains(ancestor));

    private static FrozenSet<EntityUid> CollectAncestors(EntityUid start, Dictionary<EntityUid, Entity> map)
    {
        var seen = new HashSet<EntityUid>();
        var pending = new Stack<EntityUid>();
        if (map.TryGetValue(start, out var first))
        {
            foreach (var parent in first.Parents)
            {
                pending.Push(parent);
            }
        }

        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next) || !map.TryGetValue(next, out var entity))
            {
                continue;
            }

            foreach (var parent in entity.Parents)
            {
                pending.Push(parent);
            }
        }

        return seen.ToFrozenSet();
    }
}
