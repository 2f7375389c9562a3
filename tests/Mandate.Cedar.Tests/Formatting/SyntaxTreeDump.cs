using System.Text;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Formatting;

/// A fully bracketed rendering of a syntax tree that ignores source locations, so two trees
/// compare equal exactly when their dumps do. Deliberately independent of the formatter.
internal static class SyntaxTreeDump
{
    public static string Of(Policy policy)
    {
        var text = new StringBuilder();
        foreach (var annotation in policy.Annotations)
        {
            text.Append($"@{annotation.Key}={Quote(annotation.Value ?? "<none>")} ");
        }

        text.Append(policy.Effect).Append(' ');
        text.Append($"P[{policy.Principal.Operator} {policy.Principal.Entity} {policy.Principal.EntityType}] ");
        text.Append($"A[{policy.Action.Operator} {policy.Action.IsList} {string.Join(",", policy.Action.Entities)}] ");
        text.Append($"R[{policy.Resource.Operator} {policy.Resource.Entity} {policy.Resource.EntityType}]");
        foreach (var condition in policy.Conditions)
        {
            text.Append(' ').Append(condition.Kind).Append(' ').Append(Of(condition.Body));
        }

        return text.ToString();
    }

    public static string Of(Expr expression) => expression switch
    {
        LiteralExpr { Value: StringValue s } => $"(str {Quote(s.Value)})",
        LiteralExpr literal => $"(lit {literal.Value.Type} {literal.Value})",
        VariableExpr variable => variable.Variable.ToString(),
        SlotExpr slot => $"?{slot.Slot}",
        IfExpr e => $"(if {Of(e.Condition)} {Of(e.Then)} {Of(e.Else)})",
        AndExpr e => $"(and {Of(e.Left)} {Of(e.Right)})",
        OrExpr e => $"(or {Of(e.Left)} {Of(e.Right)})",
        UnaryExpr e => $"({e.Operator} {Of(e.Operand)})",
        BinaryExpr e => $"({e.Operator} {Of(e.Left)} {Of(e.Right)})",
        GetAttributeExpr e => $"(get {Of(e.Target)} {Quote(e.Attribute)})",
        HasAttributeExpr e => $"(has {Of(e.Target)} {Quote(e.Attribute)})",
        LikeExpr e => $"(like {Of(e.Target)} {string.Join("|", e.Pattern.Elements.Select(p => p.IsWildcard ? "*" : Quote(p.Literal)))})",
        IsExpr e => $"(is {Of(e.Target)} {e.EntityType} {(e.In is null ? "-" : Of(e.In))})",
        SetExpr e => $"(set {string.Join(" ", e.Elements.Select(Of))})",
        RecordExpr e => $"(record {string.Join(" ", e.Fields.Select(f => $"{Quote(f.Key)}={Of(f.Value)}"))})",
        ExtensionCallExpr e => $"(call {e.Function} {e.IsMethodStyle} {string.Join(" ", e.Arguments.Select(Of))})",
        _ => throw new ArgumentOutOfRangeException(nameof(expression), expression.GetType().Name, "unknown expression kind"),
    };

    private static string Quote(string value) => CedarText.Quote(value);
}
