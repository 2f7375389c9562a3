namespace Mandate.Cedar.Ast;

/// <summary>Walks expression trees.</summary>
public static class ExprChildren
{
    /// <summary>The direct sub-expressions of <paramref name="expr"/>, left to right.</summary>
    public static IEnumerable<Expr> Of(Expr expr) => expr switch
    {
        IfExpr conditional => [conditional.Condition, conditional.Then, conditional.Else],
        AndExpr and => [and.Left, and.Right],
        OrExpr or => [or.Left, or.Right],
        UnaryExpr unary => [unary.Operand],
        BinaryExpr binary => [binary.Left, binary.Right],
        GetAttributeExpr get => [get.Target],
        HasAttributeExpr has => [has.Target],
        LikeExpr like => [like.Target],
        IsExpr isExpr => isExpr.In is null ? [isExpr.Target] : [isExpr.Target, isExpr.In],
        SetExpr set => set.Elements,
        RecordExpr record => record.Fields.Select(f => f.Value),
        ExtensionCallExpr call => call.Arguments,
        _ => [],
    };
}
