using System.Buffers.Text;
using System.CommandLine;
using System.Text.Json;
using Mandate.Cli.Http;
using Mandate.Cli.Output;
using Mandate.Client;
using Mandate.Client.Tokens;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate token --client ID --key FILE [--on-behalf-of TOKEN]</c>: an access token for an identity, as the identity
/// itself gets one (<c>client_credentials</c> with a signed client assertion, RFC 7523), or a delegated one by token
/// exchange (RFC 8693), for scripts and for trying policies and delegation.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var client = new Option<string>("--client") { Description = "The identity to get a token for (its id is the client id)", Required = true };
        var keyFile = new Option<string>("--key") { Description = "PEM file of the identity's P-256 private key (its public key is a registered credential)", Required = true };
        var resource = new Option<string?>("--resource") { Description = "The service the token is for (RFC 8707 resource indicator); the Mandate server by default" };
        var scope = new Option<string?>("--scope") { Description = "Space-separated scopes to ask for" };
        var claims = new Option<bool>("--claims") { Description = "Print the token's claims instead of the token" };
        var onBehalfOf = new Option<string?>("--on-behalf-of")
        {
            Description = "A token to act for (RFC 8693 token exchange): the identity becomes the current actor on its delegation chain",
        };
        var command = new Command("token", "Get an access token as an identity, with its private key (prints the token, or with --claims what it says)")
        {
            client, keyFile, resource, scope, onBehalfOf, claims,
        };
        command.SetAction(async (parse, ct) => await CommandActions.Guard(parse, async () =>
        {
            using var key = KeyFiles.ReadPrivateKey(parse.GetValue(keyFile)!);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var server = parse.GetValue(CliContext.Server)!;
            string token;
            try
            {
                var tokens = new MandateTokenClient(http, server, parse.GetValue(client)!, key);
                token = parse.GetValue(onBehalfOf) is { } subject
                    ? await tokens.DelegateAsync(subject, parse.GetValue(resource), parse.GetValue(scope), ct)
                    : await tokens.GetTokenAsync(parse.GetValue(resource), parse.GetValue(scope), ct);
            }
            catch (MandateClientException ex)
            {
                throw new CliException($"{ex.Message} (server {server})");
            }

            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(CliContext.Json))
            {
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, JsonElement>
                {
                    ["access_token"] = JsonSerializer.SerializeToElement(token),
                    ["claims"] = Claims(token),
                }, CliContext.Indented));
            }
            else
            {
                output.WriteLine(parse.GetValue(claims) ? JsonSerializer.Serialize(Claims(token), CliContext.Indented) : token);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The claims of a compact JWS, read and not verified (for showing a token, or finding its <c>jti</c>); null when
    /// <paramref name="token"/> is not one with a JSON object for its payload.
    /// </summary>
    internal static JsonElement? Payload(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object ? payload.RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    // The token the server this CLI just asked issued.
    private static JsonElement Claims(string token) =>
        Payload(token) ?? throw new CliException("the token endpoint answered with something that is not a JWT");
}
