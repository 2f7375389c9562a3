using System.CommandLine;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Core.Identities;
using Mandate.Server.Admin;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate registration-token create|list|show|revoke</c>: initial access tokens for RFC 7591 registration.</summary>
internal static class RegistrationTokenCommands
{
    public static Command Create()
    {
        var command = new Command("registration-token", "Issue and revoke initial access tokens for dynamic client registration (RFC 7591)");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(ByIdCommand("show", "Show a registration token's owner, kind, uses and expiry", "GET"));
        command.Subcommands.Add(ByIdCommand("revoke", "Revoke a registration token for good", "POST"));
        return command;
    }

    private static Command CreateCommand()
    {
        var owner = new Option<string>("--owner") { Description = "Human owner of every identity registered with the token", Required = true };
        var kind = new Option<string>("--kind") { Description = "Kind of identity registered", HelpName = "agent|service-account|workload", DefaultValueFactory = _ => "agent" };
        var uses = new Option<int>("--uses") { Description = "How many registrations it allows", DefaultValueFactory = _ => 1 };
        var expires = new Option<TimeSpan?>("--expires") { Description = "Validity, for example 24h (default 24h, at most 30d)", CustomParser = Spans.Parse };
        var description = new Option<string?>("--description") { Description = "Note" };
        var command = new Command("create", "Issue a registration token (shown once)") { owner, kind, uses, expires, description };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            if (!IdentityWords.TryParseKind(parse.GetValue(kind)!, out var parsedKind) || parsedKind == IdentityKind.Human)
            {
                throw new CliException("--kind must be agent, service-account or workload", ExitCodes.Usage);
            }

            var issued = await cli.Client.PostAsync<RegistrationTokenResponse>("v1/registration-tokens", new IssueRegistrationTokenRequest(
                parse.GetValue(owner)!, parsedKind, parse.GetValue(uses), (long?)parse.GetValue(expires)?.TotalSeconds, parse.GetValue(description)), ct);
            cli.Print(issued, (t, o) =>
            {
                o.WriteLine($"registration token {t.Id}: {t.MaxUses} {IdentityWords.Kind(t.Kind)} registration(s) owned by {t.Owner}, until {IdentityWords.When(t.ExpiresAt)}");
                o.WriteLine($"token (shown once, store it now): {t.Token}");
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var paging = new PageOptions();
        var command = new Command("list", "List registration tokens (never their secrets)");
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = paging.Query(parse);
            var page = await cli.Client.GetAsync<PageResponse<RegistrationTokenResponse>>("v1/registration-tokens" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("ID", "OWNER", "KIND", "USES", "EXPIRES", "REVOKED");
                foreach (var t in p.Items)
                {
                    table.Add(t.Id, t.Owner, IdentityWords.Kind(t.Kind), $"{t.Uses}/{t.MaxUses}", IdentityWords.When(t.ExpiresAt), IdentityWords.When(t.RevokedAt));
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ByIdCommand(string name, string description, string method)
    {
        var id = new Argument<string>("id") { Description = "Registration token id (rgt_...)" };
        var command = new Command(name, description) { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var path = $"v1/registration-tokens/{Uri.EscapeDataString(parse.GetValue(id)!)}";
            var token = method == "GET"
                ? await cli.Client.GetAsync<RegistrationTokenResponse>(path, ct)
                : await cli.Client.PostAsync<RegistrationTokenResponse>(path + "/revoke", null, ct);
            cli.Print(token, (t, o) => o.WriteLine(
                $"{t.Id}: {IdentityWords.Kind(t.Kind)} for {t.Owner}, {t.Uses}/{t.MaxUses} used, expires {IdentityWords.When(t.ExpiresAt)}"
                + (t.RevokedAt is null ? string.Empty : $", revoked {IdentityWords.When(t.RevokedAt)}")));
            return ExitCodes.Ok;
        });
        return command;
    }
}
