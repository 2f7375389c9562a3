using System.Collections.Frozen;
using System.Collections.ObjectModel;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Entities;

/// <summary>An entity: its uid, attributes, direct parents and tags. Immutable once built.</summary>
public sealed class Entity
{
    /// <summary>Creates the entity; a key given twice keeps its last value.</summary>
    public Entity(
        EntityUid uid,
        IEnumerable<KeyValuePair<string, CedarValue>>? attributes = null,
        IEnumerable<EntityUid>? parents = null,
        IEnumerable<KeyValuePair<string, CedarValue>>? tags = null)
    {
        Uid = uid;
        Attributes = Map(attributes);
        Tags = Map(tags);
        var parentSet = parents is null ? null : new HashSet<EntityUid>(parents);
        Parents = parentSet is { Count: > 0 } ? new ReadOnlySet<EntityUid>(parentSet) : FrozenSet<EntityUid>.Empty;
    }

    /// <summary>The entity's uid.</summary>
    public EntityUid Uid { get; }

    /// <summary>The attributes.</summary>
    public IReadOnlyDictionary<string, CedarValue> Attributes { get; }

    /// <summary>The direct parents.</summary>
    public IReadOnlySet<EntityUid> Parents { get; }

    /// <summary>The tags.</summary>
    public IReadOnlyDictionary<string, CedarValue> Tags { get; }

    /// <summary>Whether <paramref name="other"/> has the same uid, attributes, parents and tags.</summary>
    public bool IsSameAs(Entity other) =>
        Uid.Equals(other.Uid)
        && Parents.SetEquals(other.Parents)
        && SameMap(Attributes, other.Attributes)
        && SameMap(Tags, other.Tags);

    private static bool SameMap(IReadOnlyDictionary<string, CedarValue> left, IReadOnlyDictionary<string, CedarValue> right) =>
        left.Count == right.Count && left.All(pair => right.TryGetValue(pair.Key, out var value) && value.Equals(pair.Value));

    // Plain collections: snapshots build many entities, and freezing each small map costs more than it saves.
    private static IReadOnlyDictionary<string, CedarValue> Map(IEnumerable<KeyValuePair<string, CedarValue>>? pairs)
    {
        if (pairs is null)
        {
            return FrozenDictionary<string, CedarValue>.Empty;
        }

        var map = new Dictionary<string, CedarValue>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }

        return map.Count > 0 ? new ReadOnlyDictionary<string, CedarValue>(map) : FrozenDictionary<string, CedarValue>.Empty;
    }
}
