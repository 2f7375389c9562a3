using System.CommandLine;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Core.Credentials;
using Mandate.Server.Admin.Contracts;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate credential add|list|show|revoke|rotate</c>.</summary>
internal static class CredentialCommands
{
    public static Command Create()
    {
        var credential = new Command("credential", "Add, list and revoke credentials");
        credential.Subcommands.Add(AddCommand());
        credential.Subcommands.Add(ListCommand());
        credential.Subcommands.Add(ShowCommand());
        credential.Subcommands.Add(RevokeCommand());
        credential.Subcommands.Add(RotateCommand());
        return credential;
    }

    private static Command AddCommand()
    {
        var identity = new Argument<string>("identity") { Description = "Identity id" };
        var publicKey = new Option<string?>("--public-key") { Description = "JWK JSON file or PEM EC P-256 key file" };
        var apiKey = new Option<bool>("--api-key") { Description = "Issue an API key (shown once)" };
        var issuer = new Option<string?>("--federated-issuer") { Description = "Trust tokens from this external OIDC issuer" };
        var subject = new Option<string?>("--subject") { Description = "Required subject (exact or with * wildcards) for --federated-issuer" };
        var audience = new Option<string?>("--audience") { Description = "Required audience for --federated-issuer" };
        var jwks = new Option<string?>("--jwks") { Description = "JWK Set file of the --federated-issuer's keys" };
        var jwksUri = new Option<string?>("--jwks-uri") { Description = "URL of a JWK Set: the --federated-issuer's keys, or alone the identity's own published keys" };
        var allowReuse = new Option<bool>("--allow-reuse") { Description = "Let one --federated-issuer token be exchanged more than once while it lives" };
        var thumbprint = new Option<string?>("--thumbprint") { Description = "SHA-256 certificate thumbprint (hex)" };
        var description = new Option<string?>("--description") { Description = "Note" };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "Expiry time (ISO 8601)" };

        var command = new Command("add", "Add a credential to an identity")
        {
            identity, publicKey, apiKey, issuer, subject, audience, jwks, jwksUri, allowReuse, thumbprint, description, expires,
        };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var federated = parse.GetValue(issuer) is not null;
            var keySetOnly = !federated && parse.GetValue(jwksUri) is not null;
            var chosen = new[] { parse.GetValue(publicKey) is not null, parse.GetValue(apiKey), federated, keySetOnly, parse.GetValue(thumbprint) is not null }
                .Count(x => x);
            if (chosen != 1)
            {
                throw new CliException("choose exactly one of --public-key, --api-key, --federated-issuer, --jwks-uri or --thumbprint", ExitCodes.Usage);
            }

            var input = parse.GetValue(publicKey) is { } file ? new CredentialInput(CredentialKind.PublicKey, Jwk: KeyFiles.ReadPublicJwk(file))
                : parse.GetValue(apiKey) ? new CredentialInput(CredentialKind.ApiKey)
                : parse.GetValue(issuer) is { } iss ? new CredentialInput(CredentialKind.FederatedTrust, Issuer: iss, Subject: parse.GetValue(subject), Audience: parse.GetValue(audience),
                    Jwks: parse.GetValue(jwks) is { } jwksFile ? KeyFiles.ReadJson(jwksFile) : null, JwksUri: parse.GetValue(jwksUri), AllowReuse: parse.GetValue(allowReuse))
                : keySetOnly ? new CredentialInput(CredentialKind.JwksUri, JwksUri: parse.GetValue(jwksUri))
                : new CredentialInput(CredentialKind.CertificateThumbprint, Thumbprint: parse.GetValue(thumbprint));
            input = input with { Description = parse.GetValue(description), ExpiresAt = parse.GetValue(expires) };

            var added = await cli.Client.PostAsync<CredentialResponse>(
                $"v1/identities/{Uri.EscapeDataString(parse.GetValue(identity)!)}/credentials", input, ct);
            cli.Print(added, (r, o) =>
            {
                o.WriteLine($"added {IdentityWords.Credential(r.Credential.Kind)} credential {r.Credential.Id} to {r.Credential.IdentityId}");
                if (r.Secret is not null)
                {
                    o.WriteLine($"api key (shown once, store it now): {r.Secret}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var identity = new Option<string?>("--identity") { Description = "Only credentials of this identity" };
        var paging = new PageOptions();
        var command = new Command("list", "List credentials") { identity };
        paging.AddTo(command);
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var query = paging.Query(parse, new QueryString()
                .Add("identity", parse.GetValue(identity)));
            var page = await cli.Client.GetAsync<PageResponse<Credential>>("v1/credentials" + query, ct);
            cli.Print(page, (p, o) =>
            {
                var table = new Table("ID", "IDENTITY", "KIND", "STATUS", "CREATED", "EXPIRES", "LAST USED");
                foreach (var c in p.Items)
                {
                    table.Add(c.Id, c.IdentityId, IdentityWords.Credential(c.Kind) + (c.IsWeak ? " (weak)" : string.Empty), c.Status.ToString().ToLowerInvariant(),
                        IdentityWords.When(c.CreatedAt), IdentityWords.When(c.ExpiresAt), IdentityWords.When(c.LastUsedAt));
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
        var id = new Argument<string>("credential") { Description = "Credential id" };
        var command = new Command("show", "Show a credential: what proves it (never a secret), its status and its dates") { id };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var credential = await cli.Client.GetAsync<Credential>($"v1/credentials/{Uri.EscapeDataString(parse.GetValue(id)!)}", ct);
            cli.Print(credential, (c, o) =>
            {
                o.WriteLine($"{c.Id}  ({IdentityWords.Credential(c.Kind)}{(c.IsWeak ? ", weak" : string.Empty)}, {c.Status.ToString().ToLowerInvariant()})");
                o.WriteLine($"  identity:    {c.IdentityId}");
                foreach (var (name, value) in Proof(c.Material))
                {
                    o.WriteLine($"  {name + ":",-12} {value}");
                }

                o.WriteLine($"  description: {c.Description ?? "-"}");
                o.WriteLine($"  created:     {IdentityWords.When(c.CreatedAt)}");
                o.WriteLine($"  last used:   {IdentityWords.When(c.LastUsedAt)}");
                o.WriteLine($"  expires:     {IdentityWords.When(c.ExpiresAt)}");
                if (c.RevokedAt is not null)
                {
                    o.WriteLine($"  revoked:     {IdentityWords.When(c.RevokedAt)}");
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    // What identifies each kind of credential, and nothing that would let anyone use it.
    private static IEnumerable<(string Name, string Value)> Proof(CredentialMaterial material) => material switch
    {
        PublicKeyMaterial key => [("key id", key.KeyId), ("thumbprint", key.Thumbprint)],
        ApiKeyMaterial key => [("prefix", key.Prefix)],
        FederatedTrustMaterial trust =>
        [
            ("issuer", trust.Issuer), ("subject", trust.SubjectPattern), ("audience", trust.Audience ?? "-"),
            ("keys", trust.JwksUri ?? (trust.Jwks is null ? "-" : "a JWK Set")), ("reuse", trust.AllowReuse ? "allowed" : "once per token"),
        ],
        CertificateThumbprintMaterial certificate => [("thumbprint", certificate.Thumbprint)],
        JwksUriMaterial keys => [("jwks uri", keys.Uri)],
        _ => [],
    };

    private static Command RevokeCommand()
    {
        var id = new Argument<string>("credential") { Description = "Credential id" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the event)" };
        var command = new Command("revoke", "Revoke a credential for good") { id, reason };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var revoked = await cli.Client.PostAsync<Credential>(
                $"v1/credentials/{Uri.EscapeDataString(parse.GetValue(id)!)}/revoke", new StatusChangeRequest(parse.GetValue(reason)), ct);
            cli.Print(revoked, (c, o) => o.WriteLine($"{c.Id} is revoked"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RotateCommand()
    {
        var id = new Argument<string>("credential") { Description = "API key credential id" };
        var overlap = new Option<TimeSpan?>("--overlap") { Description = "How long the old key keeps working, for example 1h (default 1h, at most 30d)", CustomParser = Spans.Parse };
        var command = new Command("rotate", "Issue a successor to an API key (shown once); the old key works only for the overlap") { id, overlap };
        command.SetClientAction(async (parse, cli, ct) =>
        {
            var rotated = await cli.Client.PostAsync<RotationResponse>(
                $"v1/credentials/{Uri.EscapeDataString(parse.GetValue(id)!)}/rotate",
                new RotateCredentialRequest((long?)parse.GetValue(overlap)?.TotalSeconds), ct);
            cli.Print(rotated, (r, o) =>
            {
                o.WriteLine($"rotated {r.Retiring.Id} to {r.Credential.Id}; {r.Retiring.Id} works until {IdentityWords.When(r.Retiring.ExpiresAt)}");
                o.WriteLine($"api key (shown once, store it now): {r.Secret}");
            });
            return ExitCodes.Ok;
        });
        return command;
    }
}
