using System.CommandLine;
using Mandate.Server.Access;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate check</c>: ask the decision API (AuthZEN) for a decision; exit 0 allow, 3 deny.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var arguments = new EntityArguments();
        var holder = new Option<string?>("--principal-token")
        {
            Description = "Instead of --principal: the holder of this Mandate access token, decided over its whole delegation chain",
        };
        var command = new Command("check", "Ask for an access decision (exit code 0 allow, 3 deny); the decision is recorded as an event") { holder };
        arguments.AddTo(command);
        arguments.Principal.Required = false;
        command.Validators.Add(result =>
        {
            if ((result.GetResult(arguments.Principal) is null) == (result.GetResult(holder) is null))
            {
                result.AddError("give either --principal or --principal-token");
            }
        });
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var principal = parse.GetValue(holder) is { } token ? new EntityRef("access_token", token) : parse.GetValue(arguments.Principal)!;
            var request = new EvaluationRequest(
                principal, new ActionRef(parse.GetValue(arguments.Action)!), parse.GetValue(arguments.Resource)!,
                parse.GetValue(arguments.Context), new EvaluationOptions(Explain: true));
            return DecisionOutput.Print(cli, await cli.Client.PostAsync<EvaluationResponse>("access/v1/evaluation", request, ct));
        });
        return command;
    }
}
