namespace Mandate.Cedar.Schema;

/// <summary>An entity type declared in a schema.</summary>
public sealed class EntityTypeDefinition
{
    internal EntityTypeDefinition(
        string name,
        IReadOnlyList<string> memberOfTypes,
        RecordType attributes,
        SchemaType? tags,
        IReadOnlyList<string>? enumIds,
        IReadOnlyDictionary<string, string> annotations)
    {
        Name = name;
        MemberOfTypes = memberOfTypes;
        Attributes = attributes;
        Tags = tags;
        EnumIds = enumIds;
        Annotations = annotations;
    }

    /// <summary>The fully qualified name, such as <c>App::User</c>.</summary>
    public string Name { get; }

    /// <summary>The entity types an entity of this type may be a direct member of.</summary>
    public IReadOnlyList<string> MemberOfTypes { get; }

    /// <summary>The attributes every entity of this type has (its shape).</summary>
    public RecordType Attributes { get; }

    /// <summary>The type of every tag value, or null when entities of this type carry no tags.</summary>
    public SchemaType? Tags { get; }

    /// <summary>For an enumerated entity type, the only ids its entities may have; otherwise null.</summary>
    public IReadOnlyList<string>? EnumIds { get; }

    /// <summary>The annotations on the declaration.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; }
}
