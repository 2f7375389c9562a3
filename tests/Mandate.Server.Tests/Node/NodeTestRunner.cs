using System.Diagnostics;
using System.Text;

namespace Mandate.Server.Tests.Node;

/// <summary>
/// Runs a black-box test file from <c>tests/node</c> with <c>node --test</c> against a running server. The contract
/// of every such file: the server's URL in <c>MANDATE_URL</c>, the admin token in <c>MANDATE_ADMIN_TOKEN</c>, client
/// libraries from the repository's root <c>node_modules</c> (installed by <c>test.sh</c> from the lock file).
/// </summary>
public static class NodeTestRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The repository root (the folder holding <c>Mandate.slnx</c>).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The test files, relative to <c>tests/node</c>, for a theory over all of them.</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "tests", "node"), "*.test.mjs").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>
    /// Runs <paramref name="file"/> (relative to <c>tests/node</c>) against <paramref name="server"/>, with extra
    /// <paramref name="environment"/> variables; fails with node's output unless every test passes.
    /// </summary>
    public static async Task RunAsync(string file, TestServer server, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!Directory.Exists(Path.Combine(RepositoryRoot, "node_modules", "oauth4webapi")))
        {
            Assert.Fail("the Node client libraries are not installed: run `npm ci` at the repository root (test.sh does)");
        }

        var start = new ProcessStartInfo("node", ["--test", "--test-reporter=spec", Path.Combine("tests", "node", file)])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MANDATE_URL"] = server.BaseAddress.ToString().TrimEnd('/');
        start.Environment["MANDATE_ADMIN_TOKEN"] = TestServer.AdminToken;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }


        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        await Task.WhenAll(stdout, stderr);
        Assert.True(process.ExitCode == 0, $"node --test {file} failed (exit {process.ExitCode}{(timeout.IsCancellationRequested ? ", timed out" : string.Empty)}):\n{output}");
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mandate.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Mandate.slnx) is not above the test binaries");
    }
}
