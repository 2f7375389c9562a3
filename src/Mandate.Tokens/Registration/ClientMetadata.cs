using System.Text.Json;
using Mandate.Core.Administration;
using Mandate.Core.Credentials;
using Mandate.Core.Identities;
using Mandate.Core.Registration;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Registration;

/// <summary>The parts of RFC 7591 client metadata Mandate acts on, checked.</summary>
internal sealed record ClientMetadata(
    string ClientName, IReadOnlyList<PublicJwk> Keys, string? JwksUri, string? SoftwareId, string? SoftwareVersion, string? Purpose, string? Environment)
{
    private static readonly string[] GrantTypes = ["client_credentials"];

    public static ClientMetadata Read(JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the registration request must be a JSON object of client metadata");
        }

        if (metadata.TryGetProperty("redirect_uris", out var redirects) && !(redirects.ValueKind == JsonValueKind.Array && redirects.GetArrayLength() == 0))
        {
            throw new RegistrationException("invalid_redirect_uri", "Mandate has no redirect-based flows: omit `redirect_uris`");
        }

        var method = Text(metadata, "token_endpoint_auth_method", 64) ?? "private_key_jwt";
        if (method != "private_key_jwt")
        {
            throw Invalid($"`token_endpoint_auth_method` `{method}` is not offered: registered clients authenticate with `private_key_jwt`");
        }

        foreach (var grant in (IEnumerable<string>?)Strings(metadata, "grant_types") ?? GrantTypes)
        {
            if (grant != "client_credentials")
            {
                throw Invalid($"grant type `{Short(grant)}` cannot be registered; use `client_credentials` (federated trusts are set up by an admin)");
            }
        }

        var responseTypes = Strings(metadata, "response_types");
        if (responseTypes is { Count: > 0 })
        {
            throw Invalid("Mandate has no authorization endpoint: omit `response_types`");
        }

        var hasJwks = metadata.TryGetProperty("jwks", out var jwks) && jwks.ValueKind != JsonValueKind.Null;
        var jwksUri = Text(metadata, "jwks_uri", 2048);
        if (hasJwks == (jwksUri is not null))
        {
            throw Invalid("register the client's public keys: either `jwks` or `jwks_uri`, not both");
        }

        IReadOnlyList<PublicJwk> keys = [];
        if (hasJwks)
        {
            try
            {
                keys = PublicJwk.ParseSet(jwks);
            }
            catch (JoseException ex)
            {
                throw Invalid("`jwks`: " + ex.Message);
            }
        }
        else if (RemoteKeySets.CheckUri(jwksUri) is { } problem)
        {
            throw Invalid($"`jwks_uri` {problem}");
        }

        return new ClientMetadata(
            Text(metadata, "client_name", 200) ?? "registered client",
            keys,
            jwksUri,
            Text(metadata, "software_id", 256),
            Text(metadata, "software_version", 256),
            Text(metadata, "mandate_purpose", 2000),
            Text(metadata, "mandate_environment", 128));
    }

    public NewIdentity ToIdentity(RegistrationToken token)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["registered-by"] = token.Id };
        if (SoftwareId is not null)
        {
            labels["software-id"] = SoftwareId;
        }

        if (SoftwareVersion is not null)
        {
            labels["software-version"] = SoftwareVersion;
        }

        return new NewIdentity
        {
            Kind = token.Kind,
            DisplayName = ClientName,
            Owner = token.Owner,
            Purpose = Purpose,
            Environment = Environment,
            Labels = labels,
            Credentials = JwksUri is not null
                ? [new NewCredential(new JwksUriMaterial(JwksUri), "registered jwks_uri")]
                : [.. Keys.Select(k => new NewCredential(new PublicKeyMaterial(k.ToJson(), k.Kid, k.Thumbprint), "registered key"))],
        };
    }

    public IReadOnlyDictionary<string, object> Response(Identity created, DateTimeOffset now)
    {
        var response = new Dictionary<string, object>
        {
            ["client_id"] = created.Id,
            ["client_id_issued_at"] = now.ToUnixTimeSeconds(),
            ["client_name"] = created.DisplayName,
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = GrantTypes,
            ["mandate_kind"] = created.Kind switch
            {
                IdentityKind.ServiceAccount => "service_account",
                _ => created.Kind.ToString().ToLowerInvariant(),
            },
            ["mandate_owner"] = created.Owner!,
        };
        if (JwksUri is not null)
        {
            response["jwks_uri"] = JwksUri;
        }
        else
        {
            response["jwks"] = new Dictionary<string, object> { ["keys"] = Keys.Select(k => JsonDocument.Parse(k.ToJson()).RootElement).ToArray() };
        }

        if (SoftwareId is not null)
        {
            response["software_id"] = SoftwareId;
        }

        if (SoftwareVersion is not null)
        {
            response["software_version"] = SoftwareVersion;
        }

        return response;
    }

    private static string? Text(JsonElement metadata, string name, int max)
    {
        if (!metadata.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"`{name}` must be a string");
        }

        var text = value.GetString()!;
        return text.Length == 0 || text.Length > max || text.Any(char.IsControl)
            ? throw Invalid($"`{name}` must be 1 to {max} characters without control characters")
            : text;
    }

    private static List<string>? Strings(JsonElement metadata, string name)
    {
        if (!metadata.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 16 || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Invalid($"`{name}` must be an array of at most 16 strings");
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    private static string Short(string value) => value.Length <= 80 ? value : value[..77] + "...";

    private static RegistrationException Invalid(string message) => new("invalid_client_metadata", message);
}
