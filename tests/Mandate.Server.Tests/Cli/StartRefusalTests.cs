namespace Mandate.Server.Tests.Cli;

/// <summary>
/// What <c>mandate serve</c> and <c>mandate proxy</c> cannot start with (a listen address Kestrel cannot bind, a data
/// directory or database it cannot use, an address that is not an absolute http(s) URL) is named, with exit code 1,
/// rather than thrown with a stack trace; nothing is left changed.
/// </summary>
public sealed class StartRefusalTests
{
    [Fact]
    public async Task Serve_RefusesAnAddressItCannotBind_BeforeCreatingTheDataDirectory()
    {
        var data = Path.Combine(Path.GetTempPath(), "mandate-never-" + Guid.NewGuid().ToString("N"));
        var run = await CliRun.InvokeAsync(null, "serve", "--urls", "http://127.0.0.1:0;localhost-8080", "--data", data);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("`localhost-8080` is not a listen address", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Serve_OnAPortInUse_SaysSoInOneLine_WithoutAStackTrace()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("mandate-port-").FullName;
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mandate.dll"), "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}" })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment[MandateServerOptions.AdminTokenVariable] = TestServer.AdminToken;
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var all = await output + await error;

            Assert.Equal(1, process.ExitCode);
            Assert.Contains($"cannot listen: Failed to bind to address http://127.0.0.1:{port}", all, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
            Assert.DoesNotContain("BackgroundService failed", all, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_WithABundleThatDoesNotCompile_ListsEveryProblem()
    {
        var root = Directory.CreateTempSubdirectory("mandate-bad-bundle-").FullName;
        try
        {
            var bundle = Directory.CreateDirectory(Path.Combine(root, "bundle")).FullName;
            await File.WriteAllTextAsync(Path.Combine(bundle, "a.cedar"), "permit (principal ==;");
            await File.WriteAllTextAsync(Path.Combine(bundle, "b.cedar"), "forbid (principal, action, resource) when { nope };");

            var run = await CliRun.InvokeAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--data", Path.Combine(root, "data"), "--bundle", bundle);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"the bundle `{bundle}` cannot be served: 2 problem(s)", run.Error, StringComparison.Ordinal);
            Assert.Contains("a.cedar:1:", run.Error, StringComparison.Ordinal);
            Assert.Contains("b.cedar:1:", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task TheServer_NeedsAListenAddress()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(o => o with { Urls = [] }));
        Assert.Contains("at least one listen address", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NamesADataDirectoryItCannotCreate()
    {
        var run = await CliRun.InvokeAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--data", "/proc/mandate-data");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the data directory `/proc/mandate-data` cannot be used", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NamesADatabaseFileThatIsNotOne_AndLeavesItAsItWas()
    {
        var data = Directory.CreateTempSubdirectory("mandate-not-a-db-").FullName;
        try
        {
            var file = Path.Combine(data, "mandate.db");
            await File.WriteAllTextAsync(file, "this is not an SQLite database, and it is someone's file");
            var run = await CliRun.InvokeAsync(null, "serve", "--urls", "http://127.0.0.1:0", "--data", data);

            Assert.Equal(1, run.ExitCode);
            Assert.Contains($"the data directory `{data}` cannot be used", run.Error, StringComparison.Ordinal);
            Assert.Contains("not a database", run.Error, StringComparison.Ordinal);
            Assert.Equal("this is not an SQLite database, and it is someone's file", await File.ReadAllTextAsync(file));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("""["bad"]""", "[]", "`listen` has `bad`, which is not a listen address")]
    [InlineData("[]", "[]", "needs at least one `listen` address")]
    [InlineData("""["http://127.0.0.1:0"]""", """["http://127.0.0.1:0", "9464"]""", "`admin_listen` has `9464`, which is not a listen address")]
    public Task Proxy_RefusesAnAddressItCannotBind(string listen, string admin, string message) =>
        AssertProxyRefusesAsync($$"""
            { "upstream": "http://127.0.0.1:1", "server": "http://127.0.0.1:2", "audience": "https://a.test",
              "listen": {{listen}}, "admin_listen": {{admin}} }
            """, message);

    [Theory]
    [InlineData("ftp://files.test", "http://127.0.0.1:2", "`upstream` must be an absolute http or https address")]
    [InlineData("invoices", "http://127.0.0.1:2", "`upstream` must be an absolute http or https address")]
    [InlineData("http://127.0.0.1:1", "mandate", "`server` must be an absolute http or https address")]
    public Task Proxy_RefusesAnUpstreamOrServerThatIsNoHttpAddress(string upstream, string server, string message) =>
        AssertProxyRefusesAsync($$"""
            { "upstream": "{{upstream}}", "server": "{{server}}", "audience": "https://a.test", "listen": ["http://127.0.0.1:0"] }
            """, message);

    private static async Task AssertProxyRefusesAsync(string configuration, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, configuration);
            var run = await CliRun.InvokeAsync(null, "proxy", "--config", file, "--token", "a-credential");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains(message, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
