using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Formatting;

internal static class ScopePrinter
{
    public static string Print(string variable, ScopeConstraint constraint) => constraint.Operator switch
    {
        ScopeOperator.Any => variable,
        ScopeOperator.Equal => $"{variable} == {constraint.Entity}",
        ScopeOperator.In => $"{variable} in {constraint.Entity}",
        ScopeOperator.Is => $"{variable} is {constraint.EntityType}",
        ScopeOperator.IsIn => $"{variable} is {constraint.EntityType} in {constraint.Entity}",
        _ => throw new ArgumentOutOfRangeException(nameof(constraint), constraint.Operator, "unknown scope operator"),
    };

    public static string Print(ActionConstraint constraint) => constraint.Operator switch
    {
        ActionScopeOperator.Any => "action",
        ActionScopeOperator.Equal => $"action == {constraint.Entities[0]}",
        ActionScopeOperator.In when constraint.IsList => $"action in [{string.Join(", ", constraint.Entities)}]",
        ActionScopeOperator.In => $"action in {constraint.Entities[0]}",
        _ => throw new ArgumentOutOfRangeException(nameof(constraint), constraint.Operator, "unknown action scope operator"),
    };
}
