using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Mandate.Cedar.Tests.Differential;

/// <summary>
/// Runs the reference implementation (<c>@cedar-policy/cedar-wasm</c> under Node, <c>tests/cedar-wasm/oracle.mjs</c>)
/// once over a whole stream of cases and returns its answers in order.
/// </summary>
internal static class ReferenceOracle
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static IReadOnlyList<JsonObject> Answer(IReadOnlyList<JsonObject> cases)
    {
        var modules = Path.Combine(RepositoryRoot, "node_modules", "@cedar-policy", "cedar-wasm");
        if (!Directory.Exists(modules))
        {
            throw new InvalidOperationException($"the reference engine is not installed: run `npm ci` in {RepositoryRoot} (test.sh does)");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(RepositoryRoot, "tests", "cedar-wasm", "oracle.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var errors = node.StandardError.ReadToEndAsync();
        var feeding = Task.Run(() =>
        {
            foreach (var testCase in cases)
            {
                node.StandardInput.WriteLine(testCase.ToJsonString());
            }

            node.StandardInput.Close();
        });

        var answers = new List<JsonObject>(cases.Count);
        while (node.StandardOutput.ReadLine() is { } line)
        {
            answers.Add(JsonNode.Parse(line)!.AsObject());
        }

        feeding.GetAwaiter().GetResult();
        node.WaitForExit();
        if (answers.Count != cases.Count)
        {
            throw new InvalidOperationException($"the reference engine answered {answers.Count} of {cases.Count} cases: {errors.GetAwaiter().GetResult()}");
        }

        return answers;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")) && File.Exists(Path.Combine(directory.FullName, "Mandate.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("no repository root (package.json beside Mandate.slnx) above the test assembly");
    }
}
