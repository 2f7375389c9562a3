using System.Collections.Frozen;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Entities;

/// <summary>An entity: its uid, attributes, direct parents and tags.</summary>
public sealed class Entity
{
    /// <summary>Creates the entity.</summary>
    public Entity(
        EntityUid uid,
        IEnumerable<KeyValuePair<string, CedarValue>>? attributes = null,
        IEnumerable<EntityUid>? parents = null,
        IEnumerable<KeyValuePair<string, CedarValue>>? tags = null)
    {
        Uid = uid;
        Attributes = (attributes ?? []).ToFrozenDictionary(StringComparer.Ordinal);
        Parents = (parents ?? []).ToFrozenSet();
        Tags = (tags ?? []).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The entity's uid.</summary>
    public EntityUid Uid { get; }

    /// <summary>The attributes.</summary>
    public IReadOnlyDictionary<string, CedarValue> Attributes { get; }

    /// <summary>The direct parents.</summary>
    public IReadOnlySet<EntityUid> Parents { get; }

    /// <summary>The tags.</summary>
    public IReadOnlyDictionary<string, CedarValue> Tags { get; }
}
