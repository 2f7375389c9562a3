using System.CommandLine;
using Mandate.Cli.Commands;

namespace Mandate.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    /// <summary>The whole command tree; tests invoke it in process.</summary>
    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand("Mandate: identity and authorization control plane for AI agents and every non-human identity")
        {
            CliContext.Server,
            CliContext.Token,
            CliContext.Json,
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(IdentityCommands.Create());
        root.Subcommands.Add(CredentialCommands.Create());
        root.Subcommands.Add(EventCommands.Create());
        return root;
    }
}
