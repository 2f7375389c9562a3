using System.Collections.Immutable;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Ast;

/// <summary>
/// A Cedar expression. Nodes are immutable records; <see cref="Location"/> points at the first token of the
/// node in the source it was parsed from (default when built in code).
/// </summary>
public abstract record Expr
{
    private protected Expr()
    {
    }

    /// <summary>Where the expression starts in its source.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>The height of the expression tree, used to refuse trees too deep to evaluate safely.</summary>
    internal abstract int Depth { get; }
}

/// <summary>A literal: <c>true</c>, <c>42</c>, <c>"text"</c> or an entity reference <c>User::"alice"</c>.</summary>
public sealed record LiteralExpr(CedarValue Value) : Expr
{
    internal override int Depth => 1;
}

/// <summary>One of the request variables <c>principal</c>, <c>action</c>, <c>resource</c>, <c>context</c>.</summary>
public sealed record VariableExpr(Variable Variable) : Expr
{
    internal override int Depth => 1;
}

/// <summary>A template slot (<c>?principal</c> or <c>?resource</c>) used as an expression.</summary>
public sealed record SlotExpr(SlotId Slot) : Expr
{
    internal override int Depth => 1;
}

/// <summary><c>if Condition then Then else Else</c>.</summary>
public sealed record IfExpr(Expr Condition, Expr Then, Expr Else) : Expr
{
    internal override int Depth { get; } = 1 + Math.Max(Condition.Depth, Math.Max(Then.Depth, Else.Depth));
}

/// <summary><c>Left &amp;&amp; Right</c>, short-circuiting.</summary>
public sealed record AndExpr(Expr Left, Expr Right) : Expr
{
    internal override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
}

/// <summary><c>Left || Right</c>, short-circuiting.</summary>
public sealed record OrExpr(Expr Left, Expr Right) : Expr
{
    internal override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
}

/// <summary>A unary operator: <c>!e</c>, <c>-e</c> or <c>e.isEmpty()</c>.</summary>
public sealed record UnaryExpr(UnaryOperator Operator, Expr Operand) : Expr
{
    internal override int Depth { get; } = 1 + Operand.Depth;
}

/// <summary>
/// A binary operator, including the built-in methods written as <c>Left.op(Right)</c>
/// (<c>contains</c>, <c>containsAll</c>, <c>containsAny</c>, <c>getTag</c>, <c>hasTag</c>).
/// </summary>
public sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr
{
    internal override int Depth { get; } = 1 + Math.Max(Left.Depth, Right.Depth);
}

/// <summary><c>Target.Attribute</c> or <c>Target["Attribute"]</c>.</summary>
public sealed record GetAttributeExpr(Expr Target, string Attribute) : Expr
{
    internal override int Depth { get; } = 1 + Target.Depth;
}

/// <summary>
/// <c>Target has Attribute</c>. A path test <c>e has a.b</c> is parsed as
/// <c>e has a &amp;&amp; e.a has b</c>.
/// </summary>
public sealed record HasAttributeExpr(Expr Target, string Attribute) : Expr
{
    internal override int Depth { get; } = 1 + Target.Depth;
}

/// <summary><c>Target like "pattern"</c>.</summary>
public sealed record LikeExpr(Expr Target, Pattern Pattern) : Expr
{
    internal override int Depth { get; } = 1 + Target.Depth;
}

/// <summary><c>Target is EntityType</c>, or <c>Target is EntityType in In</c> when <see cref="In"/> is set.</summary>
public sealed record IsExpr(Expr Target, Name EntityType, Expr? In) : Expr
{
    internal override int Depth { get; } = 1 + Math.Max(Target.Depth, In?.Depth ?? 0);
}

/// <summary>A set literal <c>[a, b, ...]</c>.</summary>
public sealed record SetExpr(ImmutableArray<Expr> Elements) : Expr
{
    internal override int Depth { get; } = 1 + (Elements.IsDefaultOrEmpty ? 0 : Elements.Max(e => e.Depth));
}

/// <summary>A record literal <c>{key: value, ...}</c>; keys are distinct, in source order.</summary>
public sealed record RecordExpr(ImmutableArray<KeyValuePair<string, Expr>> Fields) : Expr
{
    internal override int Depth { get; } = 1 + (Fields.IsDefaultOrEmpty ? 0 : Fields.Max(f => f.Value.Depth));
}

/// <summary>
/// A call of an extension function, written <c>decimal("1.2")</c> (function style) or
/// <c>a.lessThan(b)</c> (method style, receiver first in <see cref="Arguments"/>).
/// </summary>
public sealed record ExtensionCallExpr(Name Function, ImmutableArray<Expr> Arguments, bool IsMethodStyle) : Expr
{
    internal override int Depth { get; } = 1 + (Arguments.IsDefaultOrEmpty ? 0 : Arguments.Max(a => a.Depth));
}
