using System.Collections.Immutable;

namespace Mandate.Cedar.Ast;

/// <summary>
/// Structural equality of expressions, ignoring where they were written: the same node kinds, operators, names and
/// literal values in the same shape. Two expressions it calls the same evaluate alike for every request, step for step
/// and error for error (what lets a policy set share one compiled delegate tree between them), and a type check of
/// one holds for the other.
/// </summary>
internal static class ExprShape
{
    /// <summary><see cref="Same"/> and <see cref="Hash"/> as an equality comparer, for keying tables by expression.</summary>
    public static IEqualityComparer<Expr> Comparer { get; } = new ShapeComparer();

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

    /// <summary>A hash consistent with <see cref="Same"/>.</summary>
    public static int Hash(Expr expr) => expr switch
    {
        LiteralExpr x => HashCode.Combine(1, x.Value),
        VariableExpr x => HashCode.Combine(2, x.Variable),
        SlotExpr x => HashCode.Combine(3, x.Slot),
        IfExpr x => HashCode.Combine(4, Hash(x.Condition), Hash(x.Then), Hash(x.Else)),
        AndExpr x => HashCode.Combine(5, Hash(x.Left), Hash(x.Right)),
        OrExpr x => HashCode.Combine(6, Hash(x.Left), Hash(x.Right)),
        UnaryExpr x => HashCode.Combine(7, x.Operator, Hash(x.Operand)),
        BinaryExpr x => HashCode.Combine(8, x.Operator, Hash(x.Left), Hash(x.Right)),
        GetAttributeExpr x => HashCode.Combine(9, StringComparer.Ordinal.GetHashCode(x.Attribute), Hash(x.Target)),
        HasAttributeExpr x => HashCode.Combine(10, StringComparer.Ordinal.GetHashCode(x.Attribute), Hash(x.Target)),
        LikeExpr x => HashCode.Combine(11, x.Pattern, Hash(x.Target)),
        IsExpr x => HashCode.Combine(12, x.EntityType, Hash(x.Target), x.In is null ? 0 : Hash(x.In)),
        SetExpr x => x.Elements.Aggregate(13, (hash, element) => HashCode.Combine(hash, Hash(element))),
        RecordExpr x => x.Fields.Aggregate(14, (hash, field) => HashCode.Combine(hash, StringComparer.Ordinal.GetHashCode(field.Key), Hash(field.Value))),
        ExtensionCallExpr x => x.Arguments.Aggregate(HashCode.Combine(15, x.Function), (hash, argument) => HashCode.Combine(hash, Hash(argument))),
        _ => 0,
    };

    private sealed class ShapeComparer : IEqualityComparer<Expr>
    {
        public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Same(x, y));

        public int GetHashCode(Expr obj) => Hash(obj);
    }
}
