using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Syntax;

internal sealed partial class Parser
{
    // Heights of the nodes this parser built, keyed by reference; leaves are not recorded (height 1).
    private readonly Dictionary<Expr, int> _heights = new(ReferenceEqualityComparer.Instance);

    /// <summary>Records the height of a freshly built node and refuses trees too tall to evaluate safely.</summary>
    internal T Checked<T>(T expr)
        where T : Expr
    {
        var height = 1 + ChildHeights(expr).DefaultIfEmpty(0).Max();
        if (height > MaxExpressionDepth)
        {
            throw new CedarParseException($"expression is too deeply nested (more than {MaxExpressionDepth} levels)", expr.Location);
        }

        if (height > 1)
        {
            _heights[expr] = height;
        }

        return expr;
    }

    private int Height(Expr expr) => _heights.TryGetValue(expr, out var height) ? height : 1;

    private IEnumerable<int> ChildHeights(Expr expr) => expr switch
    {
        IfExpr e => [Height(e.Condition), Height(e.Then), Height(e.Else)],
        AndExpr e => [Height(e.Left), Height(e.Right)],
        OrExpr e => [Height(e.Left), Height(e.Right)],
        UnaryExpr e => [Height(e.Operand)],
        BinaryExpr e => [Height(e.Left), Height(e.Right)],
        GetAttributeExpr e => [Height(e.Target)],
        HasAttributeExpr e => [Height(e.Target)],
        LikeExpr e => [Height(e.Target)],
        IsExpr e => e.In is null ? [Height(e.Target)] : [Height(e.Target), Height(e.In)],
        SetExpr e => e.Elements.Select(Height),
        RecordExpr e => e.Fields.Select(f => Height(f.Value)),
        ExtensionCallExpr e => e.Arguments.Select(Height),
        _ => [],
    };
}
