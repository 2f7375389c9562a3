using System.CommandLine;
using System.CommandLine.Parsing;
using Mandate.Cli.Commands;
using Mandate.Cli.Output;

namespace Mandate.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, new InvocationConfiguration());

    /// <summary>Parses and runs; command-line mistakes exit with <see cref="ExitCodes.Usage"/>.</summary>
    internal static async Task<int> RunAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0 && parse.Tokens.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await configuration.Error.WriteLineAsync($"error: {error.Message}");
            }

            await configuration.Error.WriteLineAsync($"see `mandate {string.Join(' ', CommandPath(parse))} --help`");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Push(result.Command.Name);
        }

        return names;
    }

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
        root.Subcommands.Add(RegistrationTokenCommands.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(BundleCommands.Create());
        root.Subcommands.Add(ProxyCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(SearchCommands.Create());
        root.Subcommands.Add(DelegationCommands.Create());
        root.Subcommands.Add(GroupCommands.Create());
        root.Subcommands.Add(EventCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(ImportCommands.Create());
        root.Subcommands.Add(CedarCommands.Create());
        return root;
    }
}
