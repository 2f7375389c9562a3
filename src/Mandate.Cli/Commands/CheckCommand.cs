using System.CommandLine;
using Mandate.Server.Access;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate check</c>: ask the decision API (AuthZEN) for a decision; exit 0 allow, 3 deny.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var arguments = new EntityArguments();
        var command = new Command("check", "Ask for an access decision (exit code 0 allow, 3 deny); the decision is recorded as an event");
        arguments.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var request = new EvaluationRequest(
                parse.GetValue(arguments.Principal)!, new ActionRef(parse.GetValue(arguments.Action)!), parse.GetValue(arguments.Resource)!,
                parse.GetValue(arguments.Context), new EvaluationOptions(Explain: true));
            return DecisionOutput.Print(cli, await cli.Client.PostAsync<EvaluationResponse>("access/v1/evaluation", request, ct));
        });
        return command;
    }
}
