using System.Text.Json;
using Mandate.Core.Administration;
using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Registration;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Registration;

/// <summary>
/// RFC 7591 dynamic client registration. An initial access token issued by an admin authorizes it; the new client
/// is an agent, service account or workload identity owned by the token's human owner, proving itself with the
/// keys it registers (<c>jwks</c> or <c>jwks_uri</c>, <c>private_key_jwt</c> only: no shared secret is ever issued).
/// </summary>
public sealed class ClientRegistration(RegistrationTokens tokens, IdentityRegistry identities, RemoteKeySets remoteKeys, IEventSink events, TimeProvider time)
{
    /// <summary>Largest registration request accepted.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>Registers a client described by <paramref name="metadata"/>.</summary>
    /// <param name="initialAccessToken">The bearer token from the request, or null.</param>
    /// <param name="metadata">The client metadata JSON object.</param>
    /// <param name="audit">Where the request came from; the actor is replaced by the registration token.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public async Task<RegistrationResult> RegisterAsync(string? initialAccessToken, JsonElement metadata, AuditContext audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var result = await RegisterCoreAsync(initialAccessToken, metadata, audit, cancellationToken);
        if (result.Status != 201)
        {
            events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.Authentication, "client.registration_refused", EventOutcome.Failure,
                message: $"{result.Body["error"]}: {result.Body["error_description"]}"));
        }

        return result;
    }

    private async Task<RegistrationResult> RegisterCoreAsync(string? initialAccessToken, JsonElement metadata, AuditContext audit, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(initialAccessToken))
        {
            return RegistrationResult.Unauthorized("registration needs an initial access token: `Authorization: Bearer <token>` from an admin");
        }

        ClientMetadata request;
        try
        {
            request = ClientMetadata.Read(metadata);
        }
        catch (RegistrationException ex)
        {
            return RegistrationResult.Refused(ex.Error, ex.Message);
        }

        try
        {
            // The JWKS URL is fetched only once a valid token holds a use: nobody without one makes Mandate fetch anything.
            var created = await tokens.SpendAsync(initialAccessToken, async token =>
            {
                if (request.JwksUri is { } uri && await remoteKeys.GetAsync(uri, null, cancellationToken) is { Keys: null } fetched)
                {
                    throw new RegistrationException("invalid_client_metadata", "`jwks_uri`: " + fetched.Error);
                }

                return await identities.CreateAsync(request.ToIdentity(token),
                    audit with { ActorId = "registration:" + token.Id, ActorKind = "registration_token" }, cancellationToken);
            }, cancellationToken);
            return created is null
                ? RegistrationResult.Unauthorized("the initial access token is unknown, revoked, expired or used up")
                : RegistrationResult.Registered(request.Response(created, time.GetUtcNow()));
        }
        catch (RegistrationException ex)
        {
            return RegistrationResult.Refused(ex.Error, ex.Message);
        }
        catch (MandateException ex) when (ex.Code is ErrorCode.InvalidArgument or ErrorCode.Conflict)
        {
            return RegistrationResult.Refused("invalid_client_metadata", ex.Message);
        }
    }
}

/// <summary>The answer to a registration request: the RFC 7591 response, or an error and its HTTP status.</summary>
/// <param name="Status">201, 400 or 401.</param>
/// <param name="Body">The client information response, or <c>error</c> and <c>error_description</c>.</param>
public sealed record RegistrationResult(int Status, IReadOnlyDictionary<string, object> Body)
{
    internal static RegistrationResult Registered(IReadOnlyDictionary<string, object> body) => new(201, body);

    internal static RegistrationResult Refused(string error, string description) =>
        new(400, new Dictionary<string, object> { ["error"] = error, ["error_description"] = description });

    internal static RegistrationResult Unauthorized(string description) =>
        new(401, new Dictionary<string, object> { ["error"] = "invalid_token", ["error_description"] = description });
}

/// <summary>Client metadata the server cannot accept, with its RFC 7591 error code.</summary>
internal sealed class RegistrationException(string error, string message) : Exception(message)
{
    public string Error { get; } = error;
}

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
