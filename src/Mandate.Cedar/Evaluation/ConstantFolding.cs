using System.Collections.Immutable;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Evaluation;

/// <summary>
/// Replaces subexpressions that do not depend on the request or the entities with their values. A constant
/// subexpression whose evaluation fails is left as it is, so the error still happens only if it is reached.
/// </summary>
internal static class ConstantFolding
{
    public static Expr Fold(Expr expr) => expr switch
    {
        SetExpr set => FoldSet(set),
        RecordExpr record => FoldRecord(record),
        ExtensionCallExpr call => FoldCall(call),
        IfExpr e => e with { Condition = Fold(e.Condition), Then = Fold(e.Then), Else = Fold(e.Else) },
        AndExpr e => e with { Left = Fold(e.Left), Right = Fold(e.Right) },
        OrExpr e => e with { Left = Fold(e.Left), Right = Fold(e.Right) },
        UnaryExpr e => e with { Operand = Fold(e.Operand) },
        BinaryExpr e => e with { Left = Fold(e.Left), Right = Fold(e.Right) },
        GetAttributeExpr e => e with { Target = Fold(e.Target) },
        HasAttributeExpr e => e with { Target = Fold(e.Target) },
        LikeExpr e => e with { Target = Fold(e.Target) },
        IsExpr e => e with { Target = Fold(e.Target), In = e.In is null ? null : Fold(e.In) },
        _ => expr,
    };

    private static Expr FoldSet(SetExpr set)
    {
        var elements = set.Elements.Select(Fold).ToImmutableArray();
        return AllLiterals(elements)
            ? new LiteralExpr(new SetValue(elements.Select(e => ((LiteralExpr)e).Value).ToList())) { Location = set.Location }
            : set with { Elements = elements };
    }

    private static Expr FoldRecord(RecordExpr record)
    {
        var fields = record.Fields.Select(f => new KeyValuePair<string, Expr>(f.Key, Fold(f.Value))).ToImmutableArray();
        return AllLiterals(fields.Select(f => f.Value))
            ? new LiteralExpr(new RecordValue(fields.Select(f => new KeyValuePair<string, CedarValue>(f.Key, ((LiteralExpr)f.Value).Value)).ToList())) { Location = record.Location }
            : record with { Fields = fields };
    }

    private static Expr FoldCall(ExtensionCallExpr call)
    {
        var arguments = call.Arguments.Select(Fold).ToImmutableArray();
        if (AllLiterals(arguments))
        {
            // A failing call is left in place: its error must surface only when evaluation reaches it.
            if (Evaluator.TryExtensionCall(call.Function.FullName, [.. arguments.Select(a => ((LiteralExpr)a).Value)], out var value, out _))
            {
                return new LiteralExpr(value) { Location = call.Location };
            }
        }

        return call with { Arguments = arguments };
    }

    private static bool AllLiterals(IEnumerable<Expr> exprs) => exprs.All(e => e is LiteralExpr);
}
