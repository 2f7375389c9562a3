using System.CommandLine;
using Mandate.Cedar.Testing;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate cedar test PATH...</c>: run Cedar integration-test files (a file, a folder of <c>*.json</c>, or a <c>.tar.gz</c>).</summary>
internal static class CedarCommands
{
    public static Command Create()
    {
        var cedar = new Command("cedar", "Work with Cedar policies offline");
        cedar.Subcommands.Add(TestCommand());
        return cedar;
    }

    private static Command TestCommand()
    {
        var paths = new Argument<string[]>("paths") { Description = "Test files, folders or .tar.gz archives", Arity = ArgumentArity.OneOrMore };
        var command = new Command("test", "Run Cedar conformance test files; ends with `N passed, N failed`") { paths };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine($"running Cedar tests from {string.Join(", ", parse.GetValue(paths)!)} ...");
            CorpusResult result;
            try
            {
                result = new CorpusRunner().Run(parse.GetValue(paths)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new Http.CliException(ex.Message, ExitCodes.Usage);
            }

            foreach (var failure in result.Failures)
            {
                output.WriteLine($"FAIL {failure.Key}: {failure.Description}");
                foreach (var difference in failure.Differences)
                {
                    output.WriteLine($"  {difference}");
                }
            }

            output.WriteLine(result.Summary);
            return Task.FromResult(result.Failed == 0 ? ExitCodes.Ok : ExitCodes.Failure);
        }));
        return command;
    }
}
