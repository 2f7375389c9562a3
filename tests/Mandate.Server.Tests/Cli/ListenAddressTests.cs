namespace Mandate.Server.Tests.Cli;

/// <summary>
/// A listen address Kestrel cannot bind is named before anything starts, by <c>mandate serve</c> and by
/// <c>mandate proxy</c>, rather than thrown from the host's start with a stack trace.
/// </summary>
public sealed class ListenAddressTests
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
    public async Task TheServer_NeedsAListenAddress()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(o => o with { Urls = [] }));
        Assert.Contains("at least one listen address", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["bad"]""", "[]", "`listen` has `bad`, which is not a listen address")]
    [InlineData("[]", "[]", "needs at least one `listen` address")]
    [InlineData("""["http://127.0.0.1:0"]""", """["http://127.0.0.1:0", "9464"]""", "`admin_listen` has `9464`, which is not a listen address")]
    public async Task Proxy_RefusesAnAddressItCannotBind(string listen, string admin, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $$"""
                { "upstream": "http://127.0.0.1:1", "server": "http://127.0.0.1:2", "audience": "https://a.test",
                  "listen": {{listen}}, "admin_listen": {{admin}} }
                """);
            var run = await CliRun.InvokeAsync(null, "proxy", "--config", file);

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
