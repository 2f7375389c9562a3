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

    [Fact]
    public void Format_ALongChainOfConditions_PutsEachOnALineOfItsOwn()
    {
        var formatted = PolicyFormatter.Format("""
            permit (principal, action, resource) // the grant
            when { context.purpose == "monthly-close" && context.now >= datetime("2026-11-01") && (context.ip.isInRange(ip("10.0.0.0/8")) || context.vpn) }
            unless { context.a || context.b } // short enough
            unless { context.tags.contains("a-rather-long-tag-name") || context.labels.contains("another-long-label") || false };
            """);

        Assert.Equal("""
            permit (
              principal,
              action,
              resource
            ) // the grant
            when {
              context.purpose == "monthly-close" &&
              context.now >= datetime("2026-11-01") &&
              (context.ip.isInRange(ip("10.0.0.0/8")) || context.vpn)
            }
            unless { context.a || context.b } // short enough
            unless {
              context.tags.contains("a-rather-long-tag-name") ||
              context.labels.contains("another-long-label") ||
              false
            };

            """, formatted);
        Assert.Equal(formatted, PolicyFormatter.Format(formatted));
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

    [Fact]
    public void Format_KeepsEveryComment_BesideThePartItDescribes()
    {
        var formatted = PolicyFormatter.Format("""
            // Copyright header

            // About the first policy
            permit(principal, // anyone
              // the action
              action in [Action::"read", // reading
                 Action::"list"],
              resource // any resource
              , // trailing comma
              // before the paren
            ) when { context.a // first
              && context.b } // after the condition
              // before the semicolon
            ; // after the semicolon
            // follows the first

            // stands alone

            // leads the second
            @id("two") @advice("x") // on the annotations
            forbid (principal, action, resource);
            // at the end
            """);

        Assert.Equal("""
            // Copyright header

            // About the first policy
            permit (
              principal, // anyone
              // the action
              action in [Action::"read", Action::"list"], // reading
              // any resource
              // trailing comma
              resource
            // before the paren
            )
            // first
            // after the condition
            when { context.a && context.b };
            // before the semicolon
            // after the semicolon
            // follows the first

            // stands alone

            // leads the second
            @id("two")
            @advice("x") // on the annotations
            forbid (
              principal,
              action,
              resource
            );
            // at the end

            """, formatted);
        Assert.Equal(formatted, PolicyFormatter.Format(formatted));
    }

    [Theory]
    [InlineData("// only a note\n", "// only a note\n")]
    [InlineData("// one\n\n\n// two   \r\n", "// one\n\n// two\n")]
    [InlineData("permit(principal, action, resource) when { context.url == \"http://x//y\" };", "permit (\n  principal,\n  action,\n  resource\n)\nwhen { context.url == \"http://x//y\" };\n")]
    public void Format_CommentsAlone_AndSlashesInStrings(string text, string expected)
    {
        Assert.Equal(expected, PolicyFormatter.Format(text));
    }

    [Fact]
    public void Format_CorpusPoliciesWithCommentsBetweenAnyTokens_KeepTheTreeAndEveryCommentInOrder()
    {
        var random = new Random(20261203);
        var failures = new List<string>();
        var files = 0;
        foreach (var (path, original) in CorpusFiles.WithSuffix(".cedar"))
        {
            // Comments of both kinds before random tokens and at the end, beside those the file has.
            var tokens = Lexer.Tokenize(original);
            var offsets = Enumerable.Range(0, 8).Select(_ => tokens[random.Next(tokens.Count)].Location.Offset).Append(original.Length).Distinct().Order().ToList();
            var text = new System.Text.StringBuilder(original);
            for (var i = offsets.Count - 1; i >= 0; i--)
            {
                text.Insert(offsets[i], random.Next(2) == 0 ? $"\n// note {i}\n" : $" // note {i}\n");
            }

            var commented = text.ToString();
            files++;
            var formatted = PolicyFormatter.Format(commented);
            List<Comment> written = [], kept = [];
            Lexer.Tokenize(commented, written);
            Lexer.Tokenize(formatted, kept);
            var expected = written.Select(c => c.Text);
            if (!CedarParser.ParsePolicies(original).Select(SyntaxTreeDump.Of).SequenceEqual(CedarParser.ParsePolicies(formatted).Select(SyntaxTreeDump.Of)))
            {
                failures.Add($"{path}: tree changed\n{formatted}");
            }
            else if (!kept.Select(c => c.Text).SequenceEqual(expected))
            {
                failures.Add($"{path}: comments {string.Join(", ", kept.Select(c => c.Text))}\n{commented}\n---\n{formatted}");
            }
            else if (PolicyFormatter.Format(formatted) != formatted)
            {
                failures.Add($"{path}: formatting is not idempotent\n{commented}\n---\n{formatted}\n---\n{PolicyFormatter.Format(formatted)}");
            }
        }

        Assert.True(files > 6000, $"expected the whole corpus, found {files} policy files");
        Assert.True(failures.Count == 0, $"{failures.Count} files failed:\n{string.Join('\n', failures.Take(3))}");
    }

    // Short names stand for attributes of the context so every case is a valid expression.
    private static string Wrap(string expression) =>
        System.Text.RegularExpressions.Regex.Replace(expression, @"(?<![\w.""\\])\b([a-e]|x|y|s)\b(?![""(:])", "context.$1");
}
