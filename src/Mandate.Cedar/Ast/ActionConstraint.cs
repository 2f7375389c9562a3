using System.Collections.Immutable;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

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
