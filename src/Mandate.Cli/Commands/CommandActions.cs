using System.CommandLine;
using Mandate.Cli.Http;
using Mandate.Cli.Output;

namespace Mandate.Cli.Commands;

/// <summary>Wires a client command's body: a context in, failures out as one line on stderr and an exit code.</summary>
internal static class CommandActions
{
    public static void SetClientAction(this Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            return await Guard(parse, () => body(parse, context, ct));
        });

    public static async Task<int> Guard(ParseResult parse, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Core.Errors.MandateException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (System.Text.Json.JsonException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: the server's answer was not what this CLI expects ({ex.Message}); are the CLI and server the same version?");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("error: cancelled or timed out");
            return ExitCodes.Failure;
        }
    }
}
