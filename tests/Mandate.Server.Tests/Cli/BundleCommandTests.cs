namespace Mandate.Server.Tests.Cli;

public sealed class BundleCommandTests
{
    [Fact]
    public async Task BundlePush_UploadsADirectory_AndARefusalListsEveryProblemWithItsPlace()
    {
        await using var server = await TestServer.StartAsync();
        var directory = Directory.CreateTempSubdirectory("mandate-bundle-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "p.cedar"), "permit (principal == User::\"a\", action, resource);");
            await File.WriteAllTextAsync(Path.Combine(directory, "README.md"), "not part of the bundle");
            var pushed = await CliRun.InvokeAsync(server, "bundle", "push", directory);
            Assert.True(pushed.ExitCode == 0, pushed.ToString());
            Assert.Contains("1 policies", pushed.Output, StringComparison.Ordinal);

            var shown = await CliRun.InvokeAsync(server, "bundle", "show");
            Assert.Contains("source   upload", shown.Output, StringComparison.Ordinal);
            Assert.Contains("files    p.cedar", shown.Output, StringComparison.Ordinal);

            await File.WriteAllTextAsync(Path.Combine(directory, "q.cedar"), "permit (principal,\n  action resource);");
            await File.WriteAllTextAsync(Path.Combine(directory, "r.cedar"), "forbid (principal");
            var refused = await CliRun.InvokeAsync(server, "bundle", "push", directory);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("q.cedar:2:", refused.Error, StringComparison.Ordinal);
            Assert.Contains("r.cedar:1:", refused.Error, StringComparison.Ordinal);

            var empty = Directory.CreateTempSubdirectory("mandate-empty-").FullName;
            Assert.Equal(2, (await CliRun.InvokeAsync(server, "bundle", "push", empty)).ExitCode);
            Directory.Delete(empty);
        }
        finally
        {
            TestServer.DeleteDirectory(directory);
        }
    }

    [Fact]
    public async Task Proxy_WithABadConfiguration_IsAUsageErrorNamingThePlace()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "upstream": "http://127.0.0.1:1", "routes": [{ "path": "/x", "acton": "read" }] }""");
            var unknown = await CliRun.InvokeAsync(null, "proxy", "--config", file, "--token", "a-credential");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("acton", unknown.Error, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, """{ "upstream": "http://127.0.0.1:1", "server": "http://127.0.0.1:2", "routes": [] }""");
            var noAudience = await CliRun.InvokeAsync(null, "proxy", "--config", file, "--token", "a-credential");
            Assert.Equal(1, noAudience.ExitCode);
            Assert.Contains("audience", noAudience.Error, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, """{ "upstream": "http://127.0.0.1:1", "server": "http://127.0.0.1:2", "audience": "https://a.test", "routes": [] }""");
            var noCredential = await CliRun.InvokeAsync(null, "proxy", "--config", file);
            Assert.Equal(2, noCredential.ExitCode);
            Assert.Contains("the proxy needs a credential to ask Mandate for decisions", noCredential.Error, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, """
                { "upstream": "http://127.0.0.1:1", "server": "http://127.0.0.1:2", "audience": "https://a.test", "decision_timeout_ms": -1, "routes": [] }
                """);
            var noTimeout = await CliRun.InvokeAsync(null, "proxy", "--config", file, "--token", "a-credential");
            Assert.Equal(1, noTimeout.ExitCode);
            Assert.Contains("`decision_timeout_ms` must be 1 to 60000, not -1", noTimeout.Error, StringComparison.Ordinal);

            Assert.Equal(2, (await CliRun.InvokeAsync(null, "proxy", "--config", file + ".missing")).ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
