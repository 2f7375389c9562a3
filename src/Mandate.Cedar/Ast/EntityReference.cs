using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

/// <summary>An entity in a scope constraint: a concrete entity or a template slot.</summary>
public sealed record EntityReference
{
    private EntityReference(EntityUid? uid, SlotId? slot)
    {
        Uid = uid;
        Slot = slot;
    }

    /// <summary>The concrete entity, when this is not a slot.</summary>
    public EntityUid? Uid { get; }

    /// <summary>The slot, when this is not a concrete entity.</summary>
    public SlotId? Slot { get; }

    /// <summary>A reference to a concrete entity.</summary>
    public static EntityReference ToEntity(EntityUid uid) => new(uid, null);

    /// <summary>A reference to a template slot.</summary>
    public static EntityReference ToSlot(SlotId slot) => new(null, slot);

    /// <inheritdoc />
    public override string ToString() => Uid?.ToString() ?? Policy.SlotText(Slot!.Value);
}
