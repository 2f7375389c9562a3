using System.CommandLine;
using Mandate.Authorization;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate bundle push|show|reload</c>: the policy bundle the server serves.</summary>
internal static class BundleCommands
{
    public static Command Create()
    {
        var bundle = new Command("bundle", "Manage the served policy bundle (*.cedar, an optional *.cedarschema and entities.json)");
        bundle.Subcommands.Add(PushCommand());
        bundle.Subcommands.Add(ShowCommand());
        bundle.Subcommands.Add(ReloadCommand());
        return bundle;
    }

    private static Command PushCommand()
    {
        var directory = new Argument<string>("dir") { Description = "Bundle directory" };
        var command = new Command("push", "Upload a bundle directory; the server validates it and swaps it in atomically, or refuses it whole") { directory };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var path = parse.GetValue(directory)!;
            if (!Directory.Exists(path))
            {
                throw new CliException($"`{path}` is not a directory", ExitCodes.Usage);
            }

            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(path).Where(f => PolicyBundle.IsBundleFile(Path.GetFileName(f))))
            {
                files[Path.GetFileName(file)] = await InputFiles.ReadTextAsync(file, "bundle file", ct);
            }

            if (files.Count == 0)
            {
                throw new CliException($"`{path}` holds no *.cedar, *.cedarschema or entities.json file", ExitCodes.Usage);
            }

            var pushed = await cli.Client.PutAsync<BundleInfo>("v1/bundle", new { files }, ct);
            cli.Print(pushed, (b, o) => o.WriteLine($"pushed bundle {b.Digest}: {b.Policies.Count} policies, {b.Entities} entities"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var command = new Command("show", "Show what the served bundle holds");
        command.SetClientAction(async (parse, cli, ct) =>
        {
            cli.Print(await cli.Client.GetAsync<BundleInfo>("v1/bundle", ct), Describe);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ReloadCommand()
    {
        var command = new Command("reload", "Read the bundle directory the server was started with (--bundle DIR) again");
        command.SetClientAction(async (parse, cli, ct) =>
        {
            cli.Print(await cli.Client.PostAsync<BundleInfo>("v1/bundle/reload", null, ct), Describe);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Describe(BundleInfo bundle, TextWriter output)
    {
        output.WriteLine($"source   {bundle.Source}");
        output.WriteLine($"digest   {bundle.Digest}");
        output.WriteLine($"files    {string.Join(", ", bundle.Files)}");
        output.WriteLine($"policies {string.Join(", ", bundle.Policies)}");
        output.WriteLine($"entities {bundle.Entities}");
    }
}
