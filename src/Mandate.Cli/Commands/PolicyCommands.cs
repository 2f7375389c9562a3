using System.CommandLine;
using Mandate.Cli.Output;
using Mandate.Core.Policies;
using Mandate.Server.Access;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate policy add|list|show|enable|disable|remove|test</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "Manage Cedar policies");
        policy.Subcommands.Add(AddCommand());
        policy.Subcommands.Add(ListCommand());
        policy.Subcommands.Add(ShowCommand());
        policy.Subcommands.Add(EnabledCommand("enable", "Enforce a stored policy again", enabled: true));
        policy.Subcommands.Add(EnabledCommand("disable", "Keep a policy stored without enforcing it", enabled: false));
        policy.Subcommands.Add(RemoveCommand());
        policy.Subcommands.Add(TestCommand());
        return policy;
    }

    private static string PathOf(string id) => $"v1/policies/{Uri.EscapeDataString(id)}";

    private static Command ShowCommand()
    {
        var id = new Argument<string>("id") { Description = "Policy id" };
        var command = new Command("show", "Print a policy's text as stored, comments and all (with --json, its whole record)") { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var policy = await cli.Client.GetAsync<PolicyDocument>(PathOf(parse.GetValue(id)!), ct);
            cli.Print(policy, (p, o) => o.Write(p.Text.EndsWith('\n') ? p.Text : p.Text + "\n"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command EnabledCommand(string name, string description, bool enabled)
    {
        var id = new Argument<string>("id") { Description = "Policy id" };
        var command = new Command(name, description) { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var policy = await cli.Client.PatchAsync<PolicyDocument>(PathOf(parse.GetValue(id)!), new UpdatePolicyRequest(Enabled: enabled), ct);
            cli.Print(policy, (p, o) => o.WriteLine($"{name}d policy {p.Id} (version {p.Version})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RemoveCommand()
    {
        var id = new Argument<string>("id") { Description = "Policy id" };
        var command = new Command("remove", "Delete a policy; decisions stop using it at once") { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var policyId = parse.GetValue(id)!;
            await cli.Client.DeleteAsync(PathOf(policyId), ct);
            cli.Print(new { id = policyId, removed = true }, (_, o) => o.WriteLine($"removed policy {policyId}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command AddCommand()
    {
        var id = new Argument<string>("id") { Description = "Policy id" };
        var file = new Argument<string>("file") { Description = "Cedar policy file, or - for standard input" };
        var description = new Option<string?>("--description") { Description = "What the policy is for" };
        var disabled = new Option<bool>("--disabled") { Description = "Store it without enforcing it" };
        var replace = new Option<bool>("--replace") { Description = "Replace the text of an existing policy with this id" };
        var command = new Command("add", "Add (or with --replace, update) a policy") { id, file, description, disabled, replace };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var text = await ReadTextAsync(parse.GetValue(file)!, ct);
            var policyId = parse.GetValue(id)!;
            var stored = parse.GetValue(replace)
                ? await cli.Client.PatchAsync<PolicyDocument>(PathOf(policyId),
                    new UpdatePolicyRequest(text, parse.GetValue(description), parse.GetValue(disabled) ? false : null), ct)
                : await cli.Client.PostAsync<PolicyDocument>("v1/policies",
                    new CreatePolicyRequest(policyId, text, parse.GetValue(description), !parse.GetValue(disabled)), ct);
            cli.Print(stored, (p, o) => o.WriteLine($"{(parse.GetValue(replace) ? "updated" : "added")} policy {p.Id} (version {p.Version}{(p.Enabled ? string.Empty : ", disabled")})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var paging = new PageOptions();
        var command = new Command("list", "List policies");
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = paging.Query(parse);
            var page = await cli.Client.GetAsync<PageResponse<PolicyDocument>>("v1/policies" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("ID", "ENABLED", "VERSION", "UPDATED", "DESCRIPTION");
                foreach (var policy in p.Items)
                {
                    table.Add(policy.Id, policy.Enabled ? "yes" : "no", policy.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        IdentityWords.When(policy.UpdatedAt), policy.Description);
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command TestCommand()
    {
        var arguments = new EntityArguments();
        var file = new Option<string?>("--file") { Description = "Evaluate this candidate policy file instead of the stored policies" };
        var command = new Command("test", "Try a decision against the stored entities without recording it (exit 0 allow, 3 deny)") { file };
        arguments.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var candidate = parse.GetValue(file) is { } path ? await ReadTextAsync(path, ct) : null;
            var request = new PolicyEvaluationRequest(
                parse.GetValue(arguments.Principal)!, new ActionRef(parse.GetValue(arguments.Action)!), parse.GetValue(arguments.Resource)!,
                parse.GetValue(arguments.Context), candidate);
            return DecisionOutput.Print(cli, await cli.Client.PostAsync<EvaluationResponse>("v1/policies/evaluate", request, ct));
        });
        return command;
    }

    private static async Task<string> ReadTextAsync(string path, CancellationToken ct) =>
        path == "-" ? await Console.In.ReadToEndAsync(ct) : await InputFiles.ReadTextAsync(path, "policy file", ct);
}
