using System.Text.RegularExpressions;
using Mandate.Cedar.Syntax;
using Mandate.Proxy;
using Mandate.Server.Tests.Node;

namespace Mandate.Server.Tests;

/// <summary>The examples in the README and docs/ that a reader copies: they must still be accepted as written.</summary>
public sealed partial class DocsExamplesTests
{
    private static IEnumerable<(string File, string Text)> Documents() =>
        Directory.EnumerateFiles(Path.Combine(NodeTestRunner.RepositoryRoot, "docs"), "*.md")
            .Append(Path.Combine(NodeTestRunner.RepositoryRoot, "README.md"))
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(NodeTestRunner.RepositoryRoot, path), File.ReadAllText(path)));

    [Fact]
    public void CedarBlocks_Parse()
    {
        var blocks = Documents().SelectMany(d => CedarBlock().Matches(d.Text).Select(m => (d.File, Cedar: m.Groups[1].Value))).ToList();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, block =>
        {
            var error = Record.Exception(() => CedarParser.ParsePolicies(block.Cedar));
            Assert.True(error is null, $"{block.File}: {error?.Message}\n{block.Cedar}");
        });
    }

    [Fact]
    public void ProxyConfigurations_Parse()
    {
        var configurations = Documents().SelectMany(d => HeredocJson().Matches(d.Text).Select(m => (d.File, Json: m.Groups[1].Value)))
            .Where(c => c.Json.Contains("\"upstream\"", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(configurations);
        Assert.All(configurations, c =>
        {
            var error = Record.Exception(() => ProxyConfiguration.Parse(c.Json));
            Assert.True(error is null, $"{c.File}: {error?.Message}\n{c.Json}");
        });
    }

    [GeneratedRegex(@"```cedar\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CedarBlock();

    [GeneratedRegex(@"<<'JSON'\n(.*?)\nJSON\n", RegexOptions.Singleline)]
    private static partial Regex HeredocJson();
}
