using System.CommandLine;
using Mandate.Cli.Output;
using Mandate.Core.Delegations;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate delegation show|children|revoke TOKEN</c>: read the delegation graph by a token's <c>jti</c> (or the token),
/// and cut a delegation (the token and everything exchanged from it).
/// </summary>
internal static class DelegationCommands
{
    public static Command Create()
    {
        var delegation = new Command("delegation", "Inspect and cut delegation chains by token id (jti)");
        delegation.Subcommands.Add(ShowCommand());
        delegation.Subcommands.Add(ChildrenCommand());
        delegation.Subcommands.Add(RevokeCommand());
        return delegation;
    }

    private static string PathOf(string token) => "v1/delegations/" + Uri.EscapeDataString(JtiOf(token));

    private static Argument<string> TokenId() => new("token") { Description = "The token's jti, or the token itself" };

    // A token stands for its `jti` (read, not verified: the server looks the id up and answers only an admin); anything
    // else is taken as the id.
    private static string JtiOf(string token) =>
        TokenCommand.Payload(token) is { } claims && claims.TryGetProperty("jti", out var jti) && jti.ValueKind == System.Text.Json.JsonValueKind.String
            ? jti.GetString()!
            : token;

    private static Command ShowCommand()
    {
        var tokenId = TokenId();
        var command = new Command("show", "Show a token's place in its delegation chain, and whether it still stands") { tokenId };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var found = await cli.Client.GetAsync<DelegationResponse>(PathOf(parse.GetValue(tokenId)!), ct);
            cli.Print(found, (d, o) =>
            {
                var n = d.Node;
                o.WriteLine($"{n.TokenId}  ({Kind(n.Kind)}, {(d.Revoked ? "revoked" : d.Standing is null ? "standing" : "cut off")})");
                o.WriteLine($"  chain:       {Chain(n)}");
                o.WriteLine($"  parent:      {n.ParentTokenId ?? "-"}");
                o.WriteLine($"  client:      {n.ClientId}");
                o.WriteLine($"  scope:       {n.Scope ?? "(unrestricted)"}");
                if (n.AuthorizationDetails is not null)
                {
                    o.WriteLine($"  details:     {n.AuthorizationDetails}");
                }

                o.WriteLine($"  audiences:   {(n.Audiences.Count == 0 ? "-" : string.Join(", ", n.Audiences))}");
                o.WriteLine($"  issued:      {IdentityWords.When(n.IssuedAt)}");
                o.WriteLine($"  expires:     {IdentityWords.When(n.ExpiresAt)}");
                if (d.Standing is not null)
                {
                    o.WriteLine($"  why:         {d.Standing}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ChildrenCommand()
    {
        var tokenId = TokenId();
        var paging = new PageOptions();
        var command = new Command("children", "List the tokens exchanged from a token (one hop down)") { tokenId };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = paging.Query(parse);
            var page = await cli.Client.GetAsync<PageResponse<DelegationNode>>(PathOf(parse.GetValue(tokenId)!) + "/children" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("TOKEN", "KIND", "CHAIN", "SCOPE", "EXPIRES");
                foreach (var n in p.Items)
                {
                    table.Add(n.TokenId, Kind(n.Kind), Chain(n), n.Scope ?? "-", IdentityWords.When(n.ExpiresAt));
                }

                table.Write(o);
                PageOptions.WriteMore(o, p.NextCursor);
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var tokenId = TokenId();
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the revocation event)" };
        var command = new Command("revoke", "Revoke a token and every token exchanged from it, at once") { tokenId, reason };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var id = parse.GetValue(tokenId)!;
            var result = await cli.Client.PostAsync<TokenRevocationResponse>(PathOf(id) + "/revoke", new StatusChangeRequest(parse.GetValue(reason)), ct);
            cli.Print(result, (r, o) => o.WriteLine(r.Revoked
                ? $"revoked {r.TokenId} and every token below it"
                : $"{r.TokenId} was already revoked"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Kind(DelegationKind kind) => kind.ToString().ToLowerInvariant();

    // The current actor first, down to the subject the chain speaks for: `agent-b > agent-a > alice`.
    private static string Chain(DelegationNode node) => string.Join(" > ", [.. node.Actors, node.SubjectId]);
}
