using Mandate.Cli.Output;
using Mandate.Server.Access;

namespace Mandate.Cli.Commands;

/// <summary>Prints a decision the same way for <c>check</c> and <c>policy test</c>, and maps it to an exit code.</summary>
internal static class DecisionOutput
{
    public static int Print(CliContext cli, EvaluationResponse response)
    {
        cli.Print(response, (r, o) =>
        {
            o.WriteLine(r.Decision ? "ALLOW" : "DENY");
            if (r.Context?.Hop is { } hop)
            {
                o.WriteLine($"  refused for {hop}, on the token's delegation chain");
            }

            if (r.Context?.Reasons is { Count: > 0 } reasons)
            {
                o.WriteLine($"  determined by: {string.Join(", ", reasons)}");
            }
            else if (!r.Decision && r.Context?.Errors is not { Count: > 0 })
            {
                o.WriteLine("  no policy permits this request (default deny)");
            }

            foreach (var error in r.Context?.Errors ?? [])
            {
                o.WriteLine($"  error in {error.PolicyId}: {error.Message}");
            }
        });
        return response.Decision ? ExitCodes.Ok : ExitCodes.Denied;
    }
}
