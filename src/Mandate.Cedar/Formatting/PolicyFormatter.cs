using System.Text;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;

namespace Mandate.Cedar.Formatting;

/// <summary>
/// Prints policies in one canonical layout: annotations one per line, the scope on three
/// indented lines, each condition on its own line (a long chain of <c>&amp;&amp;</c> or <c>||</c> one
/// operand per line), the fewest parentheses that keep the tree.
/// Formatting is idempotent and the output parses back to the same policies. Formatting text keeps
/// its comments, in their order (see <see cref="CommentLayout"/>); policies formatted from syntax
/// trees have none.
/// </summary>
public static class PolicyFormatter
{
    /// <summary>Parses <paramref name="text"/> as a policy set and prints it canonically, with its comments.</summary>
    /// <param name="text">Cedar policy text.</param>
    /// <returns>The canonical text, policies separated by a blank line.</returns>
    public static string Format(string text)
    {
        var comments = new List<Comment>();
        var parser = new Parser(text, comments);
        var policies = parser.ParsePolicies();
        return comments.Count == 0 ? Format(policies) : CommentLayout.Format(text, policies, parser.Layouts!, parser.Tokens, comments);
    }

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
        foreach (var line in Lines(policy))
        {
            text.Append(line).Append('\n');
        }
    }

    /// <summary>
    /// A policy's lines, one for each part of its layout in this order: each annotation, the effect and <c>(</c>, the
    /// principal, action and resource constraints, the <c>)</c>, and each condition. The last line ends with the
    /// <c>;</c>.
    /// </summary>
    internal static List<string> Lines(Policy policy)
    {
        var lines = new List<string>(policy.Annotations.Length + 5 + policy.Conditions.Length);
        foreach (var annotation in policy.Annotations)
        {
            lines.Add(annotation.Value is null ? "@" + annotation.Key : $"@{annotation.Key}({Values.CedarText.Quote(annotation.Value)})");
        }

        lines.Add(policy.Effect == Effect.Permit ? "permit (" : "forbid (");
        lines.Add("  " + ScopePrinter.Print("principal", policy.Principal) + ",");
        lines.Add("  " + ScopePrinter.Print(policy.Action) + ",");
        lines.Add("  " + ScopePrinter.Print("resource", policy.Resource));
        lines.Add(")");
        foreach (var condition in policy.Conditions)
        {
            lines.Add(Condition(condition));
        }

        lines[^1] += ";";
        return lines;
    }

    // Lines wider than this are broken where they can be: a condition that is a chain of `&&` or `||` puts each operand
    // on a line of its own.
    private const int Width = 80;

    private static string Condition(Condition condition)
    {
        var keyword = condition.Kind == ConditionKind.When ? "when" : "unless";
        var line = $"{keyword} {{ {ExpressionPrinter.Print(condition.Body)} }}";

        // One more column for the `;` a last condition ends with.
        return line.Length + 1 <= Width || ExpressionPrinter.Chain(condition.Body) is not var (op, operands)
            ? line
            : $"{keyword} {{\n  {string.Join($" {op}\n  ", operands)}\n}}";
    }
}
