using Mandate.Cedar.Syntax;

namespace Mandate.Cedar.Ast;

/// <summary>Whether a condition is a <c>when</c> or an <c>unless</c> clause.</summary>
public enum ConditionKind
{
    /// <summary><c>when { ... }</c>: must evaluate to true.</summary>
    When,

    /// <summary><c>unless { ... }</c>: must evaluate to false.</summary>
    Unless,
}

/// <summary>A <c>when</c> or <c>unless</c> clause.</summary>
public sealed record Condition(ConditionKind Kind, Expr Body)
{
    /// <summary>Where the clause keyword starts.</summary>
    public SourceLocation Location { get; init; }
}
