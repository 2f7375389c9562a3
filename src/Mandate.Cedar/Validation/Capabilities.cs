using System.Collections.Immutable;
using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Validation;

/// <summary>
/// A fact established by a guard: <c>Target has Attribute</c> or <c>Target.hasTag(Tag)</c> is known to hold,
/// so the matching optional attribute or tag may be read.
/// </summary>
internal readonly record struct Capability(Expr Target, string? Attribute, Expr? Tag)
{
    public bool Matches(Capability other) =>
        ExprShape.Same(Target, other.Target)
        && string.Equals(Attribute, other.Attribute, StringComparison.Ordinal)
        && (Tag is null ? other.Tag is null : other.Tag is not null && ExprShape.Same(Tag, other.Tag));
}

/// <summary>A set of <see cref="Capability"/> facts; small, so a flat list compared structurally.</summary>
internal readonly struct Capabilities
{
    private readonly ImmutableArray<Capability> _items;

    private Capabilities(ImmutableArray<Capability> items) => _items = items;

    public static Capabilities None => default;

    private ImmutableArray<Capability> Items => _items.IsDefault ? [] : _items;

    public static Capabilities Of(Capability capability) => new([capability]);

    public bool Contains(Capability capability)
    {
        foreach (var item in Items)
        {
            if (item.Matches(capability))
            {
                return true;
            }
        }

        return false;
    }

    public Capabilities Union(Capabilities other)
    {
        if (other.Items.IsEmpty)
        {
            return this;
        }

        var builder = Items.ToBuilder();
        foreach (var item in other.Items)
        {
            if (!Contains(item))
            {
                builder.Add(item);
            }
        }

        return new Capabilities(builder.ToImmutable());
    }

    public Capabilities Intersect(Capabilities other)
    {
        var builder = ImmutableArray.CreateBuilder<Capability>();
        foreach (var item in Items)
        {
            if (other.Contains(item))
            {
                builder.Add(item);
            }
        }

        return new Capabilities(builder.ToImmutable());
    }
}

/// <summary>Structural equality of expressions, ignoring where they were written.</summary>
internal static class ExprShape
{
    public static bool Same(Expr a, Expr b) => (a, b) switch
    {
        (LiteralExpr x, LiteralExpr y) => x.Value.Equals(y.Value),
        (VariableExpr x, VariableExpr y) => x.Variable == y.Variable,
        (SlotExpr x, SlotExpr y) => x.Slot == y.Slot,
        (IfExpr x, IfExpr y) => Same(x.Condition, y.Condition) && Same(x.Then, y.Then) && Same(x.Else, y.Else),
        (AndExpr x, AndExpr y) => Same(x.Left, y.Left) && Same(x.Right, y.Right),
        (OrExpr x, OrExpr y) => Same(x.Left, y.Left) && Same(x.Right, y.Right),
        (UnaryExpr x, UnaryExpr y) => x.Operator == y.Operator && Same(x.Operand, y.Operand),
        (BinaryExpr x, BinaryExpr y) => x.Operator == y.Operator && Same(x.Left, y.Left) && Same(x.Right, y.Right),
        (GetAttributeExpr x, GetAttributeExpr y) => x.Attribute == y.Attribute && Same(x.Target, y.Target),
        (HasAttributeExpr x, HasAttributeExpr y) => x.Attribute == y.Attribute && Same(x.Target, y.Target),
        (LikeExpr x, LikeExpr y) => x.Pattern.Equals(y.Pattern) && Same(x.Target, y.Target),
        (IsExpr x, IsExpr y) => x.EntityType == y.EntityType && Same(x.Target, y.Target) && (x.In is null ? y.In is null : y.In is not null && Same(x.In, y.In)),
        (SetExpr x, SetExpr y) => All(x.Elements, y.Elements),
        (RecordExpr x, RecordExpr y) => x.Fields.Length == y.Fields.Length
            && x.Fields.Zip(y.Fields).All(p => p.First.Key == p.Second.Key && Same(p.First.Value, p.Second.Value)),
        (ExtensionCallExpr x, ExtensionCallExpr y) => x.Function == y.Function && All(x.Arguments, y.Arguments),
        _ => false,
    };

    private static bool All(ImmutableArray<Expr> a, ImmutableArray<Expr> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
