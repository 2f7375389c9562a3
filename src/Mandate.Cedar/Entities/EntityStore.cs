using System.Collections.Frozen;
using System.Collections.ObjectModel;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Entities;

/// <summary>
/// An immutable set of entities with every entity's transitive ancestors computed once, so hierarchy tests
/// (<c>in</c>) are a set lookup.
/// </summary>
public sealed class EntityStore
{
    private readonly FrozenDictionary<EntityUid, Entity> _entities;
    private readonly FrozenDictionary<EntityUid, HashSet<EntityUid>> _ancestors;
    private FrozenDictionary<EntityUid, EntityUid[]>? _descendants;
    private FrozenDictionary<Ast.Name, EntityUid[]>? _byType;

    /// <summary>Creates the store; an entity may appear more than once only with identical contents.</summary>
    public EntityStore(IEnumerable<Entity> entities)
    {
        var map = new Dictionary<EntityUid, Entity>();
        foreach (var entity in entities)
        {
            // As in the reference, repeating an entity is fine; giving it two different definitions is not.
            if (!map.TryAdd(entity.Uid, entity) && !map[entity.Uid].IsSameAs(entity))
            {
                throw new ArgumentException($"duplicate entity entry `{entity.Uid}` with different contents", nameof(entities));
            }
        }

        _entities = map.ToFrozenDictionary();
        var ancestors = new Dictionary<EntityUid, HashSet<EntityUid>>();
        foreach (var uid in map.Keys)
        {
            ancestors[uid] = CollectAncestors(uid, map);
        }

        _ancestors = ancestors.ToFrozenDictionary();
        CycleMember = ancestors.FirstOrDefault(pair => pair.Value.Contains(pair.Key)).Key;
    }

    /// <summary>
    /// An entity that is its own ancestor, or null when the hierarchy has no cycle. The store evaluates a cyclic
    /// hierarchy consistently, but Cedar's entity data must be acyclic: readers of Cedar JSON refuse it.
    /// </summary>
    public EntityUid? CycleMember { get; }

    // Shared and never modified: handed out for entities without ancestors.
    private static readonly HashSet<EntityUid> NoAncestors = [];

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
        _ancestors.TryGetValue(uid, out var set) && set.Count > 0 ? new ReadOnlySet<EntityUid>(set) : FrozenSet<EntityUid>.Empty;

    // The concrete set, so callers on the decision path enumerate it without boxing.
    internal HashSet<EntityUid> Ancestors(EntityUid uid) =>
        _ancestors.TryGetValue(uid, out var set) ? set : NoAncestors;

    /// <summary>Every entity that has <paramref name="uid"/> as a transitive ancestor (built on first use).</summary>
    internal IReadOnlyList<EntityUid> Descendants(EntityUid uid)
    {
        var descendants = Volatile.Read(ref _descendants) ?? LazyInitializer.EnsureInitialized(ref _descendants, () => _ancestors
            .SelectMany(pair => pair.Value.Select(ancestor => (Ancestor: ancestor, Descendant: pair.Key)))
            .GroupBy(link => link.Ancestor)
            .ToFrozenDictionary(group => group.Key, group => group.Select(link => link.Descendant).ToArray()));
        return descendants.TryGetValue(uid, out var found) ? found : [];
    }

    /// <summary>The entities of one type (built on first use).</summary>
    internal IReadOnlyList<EntityUid> OfType(Ast.Name type)
    {
        var byType = Volatile.Read(ref _byType) ?? LazyInitializer.EnsureInitialized(ref _byType, () => _entities.Keys
            .GroupBy(uid => uid.EntityType)
            .ToFrozenDictionary(group => group.Key, group => group.ToArray()));
        return byType.TryGetValue(type, out var found) ? found : [];
    }

    /// <summary>Cedar's <c>in</c>: equal, or <paramref name="ancestor"/> is a transitive parent.</summary>
    public bool IsIn(EntityUid uid, EntityUid ancestor) =>
        uid.Equals(ancestor) || (_ancestors.TryGetValue(uid, out var set) && set.Contains(ancestor));

    private static HashSet<EntityUid> CollectAncestors(EntityUid start, Dictionary<EntityUid, Entity> map)
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
            // A stored ancestor is held as the entity's own reference, so every descendant shares one instance (and what
            // the policy index remembers on it; see PolicyIndex.AnchorTable.Recall).
            var next = pending.Pop();
            if (!map.TryGetValue(next, out var entity))
            {
                seen.Add(next);
                continue;
            }

            if (!seen.Add(entity.Uid))
            {
                continue;
            }

            foreach (var parent in entity.Parents)
            {
                pending.Push(parent);
            }
        }

        return seen.Count > 0 ? seen : NoAncestors;
    }
}
