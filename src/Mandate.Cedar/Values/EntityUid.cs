using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Values;

/// <summary>An entity reference such as <c>User::"alice"</c>: an entity type and an id.</summary>
public sealed class EntityUid : CedarValue
{
    private readonly int _hash;

    // What the policy index last settled about this reference: which anchor it is, or that it is none, in one index's
    // principal and resource tables (see PolicyIndex.AnchorTable.Recall); 0 for nothing. One 64-bit word, so a reader
    // never sees half of another thread's write.
    private long _indexMemory;

    /// <summary>Creates the reference.</summary>
    public EntityUid(Name type, string id)
    {
        EntityType = type;
        Id = id;
        _hash = HashCode.Combine(type, StringComparer.Ordinal.GetHashCode(id));
    }

    /// <summary>The entity type.</summary>
    public Name EntityType { get; }

    /// <summary>The entity id (any string).</summary>
    public string Id { get; }

    /// <inheritdoc />
    public override CedarType Type => CedarType.Entity;

    /// <summary>Creates a reference from a type given as text (<c>A::B</c>) and an id.</summary>
    public static EntityUid Of(string type, string id) => new(Name.Parse(type), id);

    /// <inheritdoc />
    public override bool Equals(CedarValue? other) =>
        other is EntityUid e && (ReferenceEquals(this, e) || (e._hash == _hash && e.EntityType.Equals(EntityType) && string.Equals(e.Id, Id, StringComparison.Ordinal)));

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>What the policy index last settled about this reference in one index; never an identity.</summary>
    internal long IndexMemory
    {
        get => Volatile.Read(ref _indexMemory);
        set => Volatile.Write(ref _indexMemory, value);
    }

    /// <inheritdoc />
    public override string ToString() => $"{EntityType}::{CedarText.Quote(Id)}";
}
