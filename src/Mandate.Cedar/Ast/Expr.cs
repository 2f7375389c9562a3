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
}

/// <summary>A literal: <c>true</c>, <c>42</c>, <c>"text"</c> or an entity reference <c>User::"alice"</c>.</summary>
public sealed record LiteralExpr(CedarValue Value) : Expr;

/// <summary>One of the request variables <c>principal</c>, <c>action</c>, <c>resource</c>, <c>context</c>.</summary>
public sealed record VariableExpr(Variable Variable) : Expr;

/// <summary>A template slot (<c>?principal</c> or <c>?resource</c>) used as an expression.</summary>
public sealed record SlotExpr(SlotId Slot) : Expr;

/// <summary><c>if Condition then Then else Else</c>.</summary>
public sealed record IfExpr(Expr Condition, Expr Then, Expr Else) : Expr;

/// <summary><c>Left &amp;&amp; Right</c>, short-circuiting.</summary>
public sealed record AndExpr(Expr Left, Expr Right) : Expr;

/// <summary><c>Left || Right</c>, short-circuiting.</summary>
public sealed record OrExpr(Expr Left, Expr Right) : Expr;

/// <summary>A unary operator: <c>!e</c>, <c>-e</c> or <c>e.isEmpty()</c>.</summary>
public sealed record UnaryExpr(UnaryOperator Operator, Expr Operand) : Expr;

/// <summary>
/// A binary operator, including the built-in methods written as <c>Left.op(Right)</c>
/// (<c>contains</c>, <c>containsAll</c>, <c>containsAny</c>, <c>getTag</c>, <c>hasTag</c>).
/// </summary>
public sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr;

/// <summary><c>Target.Attribute</c> or <c>Target["Attribute"]</c>.</summary>
public sealed record GetAttributeExpr(Expr Target, string Attribute) : Expr;

/// <summary>
/// <c>Target has Attribute</c>. A path test <c>e has a.b</c> is parsed as
/// <c>e has a &amp;&amp; e.a has b</c>.
/// </summary>
public sealed record HasAttributeExpr(Expr Target, string Attribute) : Expr;

/// <summary><c>Target like "pattern"</c>.</summary>
public sealed record LikeExpr(Expr Target, Pattern Pattern) : Expr;

/// <summary><c>Target is EntityType</c>, or <c>Target is EntityType in In</c> when <see cref="In"/> is set.</summary>
public sealed record IsExpr(Expr Target, Name EntityType, Expr? In) : Expr;

/// <summary>A set literal <c>[a, b, ...]</c>.</summary>
public sealed record SetExpr(ImmutableArray<Expr> Elements) : Expr;

/// <summary>A record literal <c>{key: value, ...}</c>; keys are distinct, in source order.</summary>
public sealed record RecordExpr(ImmutableArray<KeyValuePair<string, Expr>> Fields) : Expr;

/// <summary>
/// A call of an extension function, written <c>decimal("1.2")</c> (function style) or
/// <c>a.lessThan(b)</c> (method style, receiver first in <see cref="Arguments"/>).
/// </summary>
public sealed record ExtensionCallExpr(Name Function, ImmutableArray<Expr> Arguments, bool IsMethodStyle) : Expr;
