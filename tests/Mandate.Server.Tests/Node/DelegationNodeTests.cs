using System.Diagnostics;

namespace Mandate.Server.Tests.Node;

/// <summary>
/// Runs <c>tests/node/delegation.test.mjs</c> (oauth4webapi and jose against a live server) with <c>node --test</c>,
/// given <c>MANDATE_URL</c> and <c>MANDATE_ADMIN_TOKEN</c>, and fails with node's output when node fails.
/// </summary>
public sealed class DelegationNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task DelegationChain_PassesWithRealClientLibraries()
    {
        var root = FindRoot();
        if (!Directory.Exists(Path.Combine(root, "node_modules", "oauth4webapi")))
        {
            throw new InvalidOperationException($"the Node client libraries are not installed: run `npm ci` in {root} (test.sh does)");
        }

        await using var server = await TestServer.StartAsync();
        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=spec", Path.Combine(root, "tests", "node", "delegation.test.mjs")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
            Environment =
            {
                ["MANDATE_URL"] = server.BaseAddress.GetLeftPart(UriPartial.Authority),
                ["MANDATE_ADMIN_TOKEN"] = TestServer.AdminToken,
                ["NO_COLOR"] = "1",
            },
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"node did not finish within {Timeout}:\n{await stdout}\n{await stderr}");
        }

        Assert.True(node.ExitCode == 0, $"node --test failed ({node.ExitCode}):\n{await stdout}\n{await stderr}");
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
