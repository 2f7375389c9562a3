using Mandate.Cedar.Formatting;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Tests.Schema;

namespace Mandate.Cedar.Tests.Formatting;

public sealed class PolicyFormatterTests
{
    [Fact]
    public void Format_Policy_UsesTheCanonicalLayout()
    {
        var formatted = PolicyFormatter.Format("""
            @id("p1") @advice
            permit(principal in Group::"admins", action in [Action::"read",Action::"write"], resource is Photo in Album::"a")
            when { context.ip.isInRange(ip("10.0.0.0/8")) && resource.owner == principal }
            unless{principal has "dis abled" };
            forbid(principal,action,resource);
            """);

        Assert.Equal("""
            @id("p1")
            @advice
            permit (
              principal in Group::"admins",
              action in [Action::"read", Action::"write"],
              resource is Photo in Album::"a"
            )
            when { context.ip.isInRange(ip("10.0.0.0/8")) && resource.owner == principal }
            unless { principal has "dis abled" };

            forbid (
              principal,
              action,
              resource
            );

            """, formatted);
    }

    [Theory]
    [InlineData("(1 + 2) * 3", "(1 + 2) * 3")]
    [InlineData("1 + (2 * 3)", "1 + 2 * 3")]
    [InlineData("1 - (2 - 3)", "1 - (2 - 3)")]
    [InlineData("(1 - 2) - 3", "1 - 2 - 3")]
    [InlineData("a || (b && c)", "a || b && c")]
    [InlineData("(a || b) && c", "(a || b) && c")]
    [InlineData("a && (b && c)", "a && (b && c)")]
    [InlineData("-(5)", "-(5)")]
    [InlineData("-5", "-5")]
    [InlineData("!(x == y)", "!(x == y)")]
    [InlineData("(if a then b else c).d", "(if a then b else c).d")]
    [InlineData("if a then b else if c then d else e", "if a then b else if c then d else e")]
    [InlineData("(a == b) == c", "(a == b) == c")]
    [InlineData("x[\"if\"] && x[\"a b\"] && x.ok", "x[\"if\"] && x[\"a b\"] && x.ok")]
    [InlineData("{\"a b\": [1, -2], c: \"q\\\"\"}", "{\"a b\": [1, -2], c: \"q\\\"\"}")]
    [InlineData("s like \"a*b\\*c\"", "s like \"a*b\\*c\"")]
    [InlineData("(a + b).foo", "(a + b).foo")]
    public void Format_Expression_KeepsOnlyNeededParentheses(string input, string expected)
    {
        var policy = CedarParser.ParsePolicy($"permit(principal, action, resource) when {{ {Wrap(input)} }};");

        var formatted = PolicyFormatter.Format(policy.Conditions[0].Body);

        Assert.Equal(Wrap(expected), formatted);
    }

    [Fact]
    public void Format_EveryCorpusPolicy_IsStableAndPreservesTheTree()
    {
        var files = CorpusFiles.WithSuffix(".cedar").ToList();
        Assert.True(files.Count > 6000, $"expected the whole corpus, found {files.Count} policy files");
        var failures = new List<string>();
        foreach (var (path, text) in files)
        {
            var original = CedarParser.ParsePolicies(text);
            var formatted = PolicyFormatter.Format(original);
            var reparsed = CedarParser.ParsePolicies(formatted);
            var before = original.Select(SyntaxTreeDump.Of).ToList();
            var after = reparsed.Select(SyntaxTreeDump.Of).ToList();
            if (!before.SequenceEqual(after))
            {
                failures.Add($"{path}: tree changed\n{formatted}");
            }
            else if (PolicyFormatter.Format(reparsed) != formatted)
            {
                failures.Add($"{path}: formatting is not idempotent");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} files failed:\n{string.Join('\n', failures.Take(5))}");
    }

    // Short names stand for attributes of the context so every case is a valid expression.
    private static string Wrap(string expression) =>
        System.Text.RegularExpressions.Regex.Replace(expression, @"(?<![\w.""\\])\b([a-e]|x|y|s)\b(?![""(:])", "context.$1");
}
