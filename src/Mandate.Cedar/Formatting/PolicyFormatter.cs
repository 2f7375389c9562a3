using System.Text;
using Mandate.Cedar.Ast;

namespace Mandate.Cedar.Formatting;

/// <summary>
/// Prints policies in one canonical layout: annotations one per line, the scope on three
/// indented lines, each condition on its own line, the fewest parentheses that keep the tree.
/// Formatting is idempotent and the output parses back to the same policies. Comments are not
/// part of the syntax tree and are not kept.
/// </summary>
public static class PolicyFormatter
{
    /// <summary>Parses <paramref name="text"/> as a policy set and prints it canonically.</summary>
    /// <param name="text">Cedar policy text.</param>
    /// <returns>The canonical text, policies separated by a blank line.</returns>
    public static string Format(string text) => Format(Syntax.CedarParser.ParsePolicies(text));

    /// <summary>Prints policies canonically, separated by a blank line.</summary>
    /// <param name="policies">The policies, in the order to print them.</param>
    /// <returns>The canonical text, ending with a newline when there is any policy.</returns>
    public static string Format(IEnumerable<Policy> policies)
    {
        var text = new StringBuilder();
        foreach (var policy in policies)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            AppendPolicy(text, policy);
        }

        return text.ToString();
    }

    /// <summary>Prints one policy canonically.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The canonical text, ending with a newline.</returns>
    public static string Format(Policy policy)
    {
        var text = new StringBuilder();
        AppendPolicy(text, policy);
        return text.ToString();
    }

    /// <summary>Prints one expression canonically, on one line.</summary>
    /// <param name="expression">The expression.</param>
    /// <returns>Cedar text that parses back to the same expression.</returns>
    public static string Format(Expr expression) => ExpressionPrinter.Print(expression);

    private static void AppendPolicy(StringBuilder text, Policy policy)
    {
        foreach (var annotation in policy.Annotations)
        {
            text.Append('@').Append(annotation.Key);
            if (annotation.Value is not null)
            {
                text.Append('(').Append(Values.CedarText.Quote(annotation.Value)).Append(')');
            }

            text.Append('\n');
        }

        text.Append(policy.Effect == Effect.Permit ? "permit" : "forbid").Append(" (\n");
        text.Append("  ").Append(ScopePrinter.Print("principal", policy.Principal)).Append(",\n");
        text.Append("  ").Append(ScopePrinter.Print(policy.Action)).Append(",\n");
        text.Append("  ").Append(ScopePrinter.Print("resource", policy.Resource)).Append('\n');
        text.Append(')');
        foreach (var condition in policy.Conditions)
        {
            text.Append('\n').Append(condition.Kind == ConditionKind.When ? "when" : "unless");
            text.Append(" { ").Append(ExpressionPrinter.Print(condition.Body)).Append(" }");
        }

        text.Append(";\n");
    }
}
