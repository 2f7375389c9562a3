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
