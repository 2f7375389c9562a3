using System.Collections.Immutable;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

/// <summary>The form of a principal or resource scope constraint.</summary>
public enum ScopeOperator
{
    /// <summary>No constraint (<c>principal</c>).</summary>
    Any,

    /// <summary><c>principal == E</c></summary>
    Equal,

    /// <summary><c>principal in E</c></summary>
    In,

    /// <summary><c>principal is T</c></summary>
    Is,

    /// <summary><c>principal is T in E</c></summary>
    IsIn,
}

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

/// <summary>
/// The principal or resource part of a policy scope. <see cref="Entity"/> is set for
/// <see cref="ScopeOperator.Equal"/>, <see cref="ScopeOperator.In"/> and <see cref="ScopeOperator.IsIn"/>;
/// <see cref="EntityType"/> for <see cref="ScopeOperator.Is"/> and <see cref="ScopeOperator.IsIn"/>.
/// </summary>
public sealed record ScopeConstraint(ScopeOperator Operator, EntityReference? Entity, Name? EntityType)
{
    /// <summary>The unconstrained scope.</summary>
    public static ScopeConstraint Any { get; } = new(ScopeOperator.Any, null, null);

    internal ScopeConstraint Fill(IReadOnlyDictionary<SlotId, EntityUid> values) =>
        Entity?.Slot is { } slot ? this with { Entity = EntityReference.ToEntity(values[slot]) } : this;
}

/// <summary>The form of an action scope constraint.</summary>
public enum ActionScopeOperator
{
    /// <summary>No constraint (<c>action</c>).</summary>
    Any,

    /// <summary><c>action == E</c></summary>
    Equal,

    /// <summary><c>action in E</c> or <c>action in [E, ...]</c></summary>
    In,
}

/// <summary>
/// The action part of a policy scope. <see cref="IsList"/> tells <c>action in [A]</c> from <c>action in A</c>.
/// </summary>
public sealed record ActionConstraint(ActionScopeOperator Operator, ImmutableArray<EntityUid> Entities, bool IsList)
{
    /// <summary>The unconstrained action scope.</summary>
    public static ActionConstraint Any { get; } = new(ActionScopeOperator.Any, [], false);
}
