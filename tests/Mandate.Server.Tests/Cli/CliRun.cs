using System.CommandLine;
using System.Globalization;

namespace Mandate.Server.Tests.Cli;

/// <summary>Runs the real <c>mandate</c> command tree in process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> InvokeAsync(TestServer? server, params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] connection = server is null ? [] : ["--server", server.BaseAddress.ToString(), "--token", TestServer.AdminToken];
        var code = await Mandate.Cli.Program.RunAsync([.. args, .. connection], new InvocationConfiguration { Output = output, Error = error });
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
