using System.Diagnostics;

namespace Mandate.Server.Tests.Cli;

/// <summary>
/// The README's quick start, run as written (steps 2 and 3, delegation and the kill switch) by bash against a server
/// with the demo fleet, with <c>mandate</c> the built CLI: a walkthrough that stops half way is a bug users meet first.
/// </summary>
public sealed class ReadmeQuickStartTests
{
    [Fact]
    public async Task QuickStart_RunsAsWritten_AgainstADemoServer()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Node.NodeTestRunner.RepositoryRoot, "README.md"));
        var from = readme.IndexOf("# 2. Register", StringComparison.Ordinal);
        var to = readme.IndexOf("# 4. Watch everything", StringComparison.Ordinal);
        Assert.True(from > 0 && to > from, "the README's quick start no longer has steps 2 and 4");

        await using var server = await TestServer.StartAsync(o => o with { Demo = true });
        var work = Directory.CreateTempSubdirectory("mandate-quickstart-");
        try
        {
            var script = Path.Combine(work.FullName, "quickstart.sh");
            await File.WriteAllTextAsync(script, $$"""
                mandate() { dotnet '{{Path.Combine(AppContext.BaseDirectory, "mandate.dll")}}' "$@"; }
                export MANDATE_URL='{{server.BaseAddress}}' MANDATE_ADMIN_TOKEN='{{TestServer.AdminToken}}'
                {{readme[from..to]}}
                """);
            var (exit, output) = await RunAsync(work.FullName, script);

            Assert.True(exit == 0, output);
            string[] expected =
            [
                "created human dana", "created agent refund-bot", "added policy read-refunds", "ALLOW\n  determined by: read-refunds",
                "DENY\n  error in read-refunds", "determined by: candidate", "Agent::\"refund-bot\"\nread\n",
                "refused for Human::\"dana\"", "chain:       refund-bot > dana", "and every token below it", "refund-bot is suspended",
            ];
            Assert.All(expected, text => Assert.Contains(text, output, StringComparison.Ordinal));
            Assert.DoesNotContain("error:", output, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string directory, string script)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output + await error).ReplaceLineEndings("\n"));
    }
}
