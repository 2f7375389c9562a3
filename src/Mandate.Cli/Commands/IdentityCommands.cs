using System.CommandLine;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Core.Credentials;
using Mandate.Core.Identities;
using Mandate.Server.Admin.Contracts;
using Mandate.Server.Events;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate identity create|list|show|suspend|resume|deactivate</c>.</summary>
internal static class IdentityCommands
{
    public static Command Create()
    {
        var identity = new Command("identity", "Register and manage identities (humans, agents, service accounts, workloads)");
        identity.Subcommands.Add(CreateCommand());
        identity.Subcommands.Add(ListCommand());
        identity.Subcommands.Add(ShowCommand());
        identity.Subcommands.Add(UpdateCommand());
        identity.Subcommands.Add(DiscoveredCommand());
        identity.Subcommands.Add(StatusCommand("suspend", "Suspend an identity at once (the kill switch)"));
        identity.Subcommands.Add(StatusCommand("resume", "Resume a suspended identity"));
        identity.Subcommands.Add(StatusCommand("deactivate", "Deactivate an identity for good (kept for audit)"));
        return identity;
    }

    private static Command CreateCommand()
    {
        var kind = new Option<IdentityKind>("--kind") { Description = "Kind of identity", HelpName = "human|agent|service-account|workload", Required = true, CustomParser = ParseKind };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var id = new Option<string?>("--id") { Description = "Chosen id (generated when absent)" };
        var owner = new Option<string?>("--owner") { Description = "Accountable human's identity id (required for non-humans)" };
        var purpose = new Option<string?>("--purpose") { Description = "What the identity is for" };
        var environment = new Option<string?>("--env") { Description = "Environment, for example production" };
        var parent = new Option<string?>("--parent") { Description = "Identity that created this one" };
        var labels = new Option<string[]>("--label") { Description = "Label key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var publicKey = new Option<string?>("--public-key") { Description = "Register a public key: a JWK JSON file or a PEM EC P-256 key file" };
        var apiKey = new Option<bool>("--api-key") { Description = "Issue an API key (shown once)" };
        var jwks = new Option<string?>("--jwks") { Description = "Register every key of a JWK Set file" };
        var jwksUri = new Option<string?>("--jwks-uri") { Description = "Register a URL where the identity publishes its JWK Set" };
        var expires = Expires();

        var command = new Command("create", "Register an identity") { kind, name, id, owner, purpose, environment, parent, labels, publicKey, apiKey, jwks, jwksUri, expires };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var credentials = new List<CredentialInput>();
            if (parse.GetValue(publicKey) is { } keyFile)
            {
                credentials.Add(new CredentialInput(CredentialKind.PublicKey, Jwk: KeyFiles.ReadPublicJwk(keyFile)));
            }

            if (parse.GetValue(apiKey))
            {
                credentials.Add(new CredentialInput(CredentialKind.ApiKey));
            }

            var request = new CreateIdentityRequest(
                parse.GetValue(kind), parse.GetValue(name)!, parse.GetValue(id), parse.GetValue(owner), parse.GetValue(purpose),
                parse.GetValue(environment), Labels.Parse(parse.GetValue(labels)), parse.GetValue(parent), parse.GetValue(expires),
                credentials.Count == 0 ? null : credentials,
                parse.GetValue(jwks) is { } jwksFile ? KeyFiles.ReadJson(jwksFile) : null,
                parse.GetValue(jwksUri));
            var created = await cli.Client.PostAsync<IdentityResponse>("v1/identities", request, ct);
            cli.Print(created, (r, o) =>
            {
                o.WriteLine($"created {IdentityWords.Kind(r.Identity.Kind)} {r.Identity.Id}");
                foreach (var c in r.Credentials ?? [])
                {
                    o.WriteLine($"  credential {c.Id} ({IdentityWords.Credential(c.Kind)})");
                }

                foreach (var s in r.Secrets ?? [])
                {
                    o.WriteLine($"  api key for {s.CredentialId} (shown once): {s.Secret}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var kind = new Option<IdentityKind?>("--kind") { Description = "Only this kind", HelpName = "human|agent|service-account|workload", CustomParser = r => ParseKind(r) };
        var status = new Option<IdentityStatus?>("--status") { Description = "Only this status (active, suspended, deactivated)" };
        var owner = new Option<string?>("--owner") { Description = "Only identities owned by this id" };
        var search = new Option<string?>("--search", "-q") { Description = "Substring of id or name" };
        var paging = new PageOptions();

        var command = new Command("list", "List identities") { kind, status, owner, search };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = paging.Query(parse, new QueryString()
                .Add("kind", parse.GetValue(kind) is { } k ? IdentityWords.Wire(k) : null)
                .Add("status", parse.GetValue(status)?.ToString().ToLowerInvariant())
                .Add("owner", parse.GetValue(owner))
                .Add("q", parse.GetValue(search)));
            var page = await cli.Client.GetAsync<PageResponse<Identity>>("v1/identities" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("ID", "KIND", "NAME", "OWNER", "STATUS", "ENV", "LAST USED");
                foreach (var i in p.Items)
                {
                    table.Add(i.Id, IdentityWords.Kind(i.Kind), i.DisplayName, i.Owner, i.Status.ToString().ToLowerInvariant(), i.Environment,
                        IdentityWords.When(i.LastUsedAt));
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("id") { Description = "Identity id" };
        var command = new Command("show", "Show one identity and its credentials") { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var path = "v1/identities/" + Uri.EscapeDataString(parse.GetValue(id)!);
            var identity = await cli.Client.GetAsync<Identity>(path, ct);
            var credentials = await cli.Client.GetAsync<PageResponse<Credential>>(path + "/credentials", ct);
            cli.Print(new IdentityResponse(identity, credentials.Items), (r, o) =>
            {
                var i = r.Identity;
                o.WriteLine($"{i.Id}  ({IdentityWords.Kind(i.Kind)}, {i.Status.ToString().ToLowerInvariant()})");
                o.WriteLine($"  name:        {i.DisplayName}");
                o.WriteLine($"  owner:       {i.Owner ?? "-"}");
                o.WriteLine($"  parent:      {i.Parent ?? "-"}");
                o.WriteLine($"  purpose:     {i.Purpose ?? "-"}");
                o.WriteLine($"  environment: {i.Environment ?? "-"}");
                o.WriteLine($"  labels:      {(i.Labels.Count == 0 ? "-" : string.Join(", ", i.Labels.Select(l => $"{l.Key}={l.Value}")))}");
                o.WriteLine($"  created:     {IdentityWords.When(i.CreatedAt)}");
                o.WriteLine($"  last used:   {IdentityWords.When(i.LastUsedAt)}");
                o.WriteLine($"  expires:     {IdentityWords.When(i.ExpiresAt)}");
                o.WriteLine($"  credentials: {r.Credentials!.Count}");
                foreach (var c in r.Credentials)
                {
                    o.WriteLine($"    {c.Id}  {IdentityWords.Credential(c.Kind)}  {c.Status.ToString().ToLowerInvariant()}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DiscoveredCommand()
    {
        var source = new Option<string?>("--source") { Description = "Only principals seen by this source, for example aws.cloudtrail or kubernetes.audit" };
        var paging = new PageOptions();
        var command = new Command("discovered", "Principals seen in imported logs, and the identity that claims each (register one with --label LABEL=ID to claim it)")
        {
            source,
        };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var page = await cli.Client.GetAsync<PageResponse<DiscoveredIdentityResponse>>(
                "v1/discovered-identities" + paging.Query(parse, new QueryString().Add("source", parse.GetValue(source))), ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("SOURCE", "PRINCIPAL", "KIND", "LAST SEEN", "EVENTS", "CLAIM LABEL", "MANAGED BY");
                foreach (var d in p.Items)
                {
                    table.Add(d.Source, d.ExternalId, d.Kind.Replace('_', '-'), IdentityWords.When(d.LastSeen),
                        d.Events.ToString(System.Globalization.CultureInfo.InvariantCulture), d.ClaimLabel, d.ManagedBy ?? "-");
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Option<DateTimeOffset?> Expires() =>
        new("--expires") { Description = "When the identity expires: a span from now (90d) or an ISO 8601 time", CustomParser = Spans.ParseTime };

    private static Command UpdateCommand()
    {
        var id = new Argument<string>("id") { Description = "Identity id" };
        var name = new Option<string?>("--name") { Description = "Display name" };
        var owner = new Option<string?>("--owner") { Description = "Accountable human's identity id (hand an identity over to a new owner)" };
        var purpose = new Option<string?>("--purpose") { Description = "What the identity is for" };
        var environment = new Option<string?>("--env") { Description = "Environment, for example production" };
        var labels = new Option<string[]>("--label") { Description = "Label key=value (repeatable); replaces all the labels", AllowMultipleArgumentsPerToken = false };
        var expires = Expires();
        var command = new Command("update", "Change an identity's name, owner, purpose, environment, labels or expiry") { id, name, owner, purpose, environment, labels, expires };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var change = new UpdateIdentityRequest(parse.GetValue(name), parse.GetValue(owner), parse.GetValue(purpose), parse.GetValue(environment),
                Labels.Parse(parse.GetValue(labels)), parse.GetValue(expires));
            if (change == new UpdateIdentityRequest())
            {
                throw new CliException("nothing to change: give --name, --owner, --purpose, --env, --label or --expires", ExitCodes.Usage);
            }

            var updated = await cli.Client.PatchAsync<Identity>($"v1/identities/{Uri.EscapeDataString(parse.GetValue(id)!)}", change, ct);
            cli.Print(updated, (i, o) => o.WriteLine($"updated {i.Id} (version {i.Version})"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command StatusCommand(string verb, string description)
    {
        var id = new Argument<string>("id") { Description = "Identity id" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the event)" };
        var command = new Command(verb, description) { id, reason };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var updated = await cli.Client.PostAsync<Identity>(
                $"v1/identities/{Uri.EscapeDataString(parse.GetValue(id)!)}/{verb}", new StatusChangeRequest(parse.GetValue(reason)), ct);
            cli.Print(updated, (i, o) => o.WriteLine($"{i.Id} is {i.Status.ToString().ToLowerInvariant()}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IdentityKind ParseKind(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (IdentityWords.TryParseKind(text, out var kind))
        {
            return kind;
        }

        result.AddError($"unknown kind `{text}`: use human, agent, service-account or workload");
        return default;
    }
}
