using Mandate.Tokens.Jose;

namespace Mandate.Tokens.Clients;

/// <summary>
/// Authenticates clients by RFC 7523 signed assertions (<c>private_key_jwt</c>): <c>iss</c> = <c>sub</c> =
/// client, audience = this issuer or its token endpoint, short lifetime, single-use <c>jti</c>, signature by a
/// registered key. The <c>jti</c> is consumed only after the signature verifies, so forgeries cannot burn it.
/// </summary>
public sealed class ClientAssertionValidator(IClientDirectory clients, IReplayCache replay, TokenServiceOptions options, TimeProvider time)
{
    /// <summary>The assertion type this validator accepts.</summary>
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly string?[] AcceptedTypes = [null, "JWT", "client-authentication+jwt"];

    /// <summary>Authenticates the client, or says why not (always <c>invalid_client</c> or <c>invalid_request</c>).</summary>
    public async ValueTask<ClientAuthentication> AuthenticateAsync(string? clientId, string? assertionType, string? assertion, CancellationToken cancellationToken)
    {
        if (assertion is null || assertionType is null)
        {
            return OAuthError.InvalidClient("authenticate with `client_assertion` and `client_assertion_type` (private_key_jwt)");
        }

        if (assertionType != JwtBearerType)
        {
            return OAuthError.InvalidClient($"client_assertion_type must be `{JwtBearerType}`");
        }

        CompactJws jws;
        try
        {
            jws = CompactJws.Parse(assertion, JwsAlgorithms.External);
        }
        catch (JoseException ex)
        {
            return OAuthError.InvalidClient("client assertion: " + ex.Message);
        }

        using (jws)
        {
            return await ValidateAsync(jws, clientId, cancellationToken);
        }
    }

    private async ValueTask<ClientAuthentication> ValidateAsync(CompactJws jws, string? clientId, CancellationToken cancellationToken)
    {
        if (!AcceptedTypes.Contains(jws.Type, StringComparer.OrdinalIgnoreCase))
        {
            return OAuthError.InvalidClient($"client assertion: a `{jws.Type}` token is not a client assertion");
        }

        var claims = jws.Claims;
        var issuer = ClaimSet.String(claims, "iss");
        var subject = ClaimSet.String(claims, "sub");
        if (string.IsNullOrEmpty(subject) || issuer != subject)
        {
            return OAuthError.InvalidClient("client assertion: `iss` and `sub` must both be the client_id");
        }

        if (clientId is not null && clientId != subject)
        {
            return OAuthError.InvalidClient("client assertion: `sub` does not match client_id");
        }

        var client = await clients.FindAsync(subject, cancellationToken);
        if (client is null)
        {
            return OAuthError.InvalidClient($"unknown client `{Truncate(subject)}`");
        }

        if (!client.IsActive)
        {
            return OAuthError.InvalidClient($"client `{subject}` is not active (suspended, deactivated or expired)");
        }

        if (!ClaimSet.AudienceContains(claims, options.Issuer, options.TokenEndpoint))
        {
            return OAuthError.InvalidClient($"client assertion: `aud` must be `{options.Issuer}` or `{options.TokenEndpoint}`");
        }

        var key = FindVerifyingKey(jws, client);
        if (key is null)
        {
            return OAuthError.InvalidClient(jws.KeyId is { } kid && client.Keys.All(k => k.Jwk.Kid != kid)
                ? $"client assertion: no registered key has kid `{kid}`"
                : "client assertion: the signature does not verify with any registered key");
        }

        var lifetime = CheckLifetime(claims);
        if (lifetime.Error is not null)
        {
            return OAuthError.InvalidClient("client assertion: " + lifetime.Error);
        }

        var jti = ClaimSet.String(claims, "jti");
        if (string.IsNullOrEmpty(jti) || jti.Length > 256)
        {
            return OAuthError.InvalidClient("client assertion: a `jti` of 1 to 256 characters is required");
        }

        if (!replay.TryUse(string.Concat(client.ClientId, "\n", jti), lifetime.ExpiresAt + options.ClockSkew))
        {
            return OAuthError.InvalidClient("client assertion: this `jti` was already used");
        }

        return new ClientAuthentication(client, key.CredentialId, ClientAuthentication.PrivateKeyJwt);
    }

    private static ClientKey? FindVerifyingKey(CompactJws jws, ClientRecord client)
    {
        foreach (var key in client.Keys)
        {
            if (jws.KeyId is not null && key.Jwk.Kid != jws.KeyId)
            {
                continue;
            }

            if (jws.Verify(key.Jwk))
            {
                return key;
            }
        }

        return null;
    }

    private (DateTimeOffset ExpiresAt, string? Error) CheckLifetime(System.Text.Json.JsonElement claims)
    {
        DateTimeOffset? exp, iat, nbf;
        try
        {
            exp = ClaimSet.Time(claims, "exp");
            iat = ClaimSet.Time(claims, "iat");
            nbf = ClaimSet.Time(claims, "nbf");
        }
        catch (JoseException ex)
        {
            return (default, ex.Message);
        }

        var now = time.GetUtcNow();
        if (exp is null)
        {
            return (default, "`exp` is required");
        }

        if (exp <= now - options.ClockSkew)
        {
            return (default, "the assertion has expired");
        }

        if (iat > now + options.ClockSkew || nbf > now + options.ClockSkew)
        {
            return (default, "the assertion is not valid yet (`iat` or `nbf` in the future)");
        }

        if (exp - (iat ?? now) > options.MaxAssertionLifetime + options.ClockSkew)
        {
            return (default, $"the assertion lives longer than {options.MaxAssertionLifetime.TotalMinutes} minutes; use short-lived assertions");
        }

        return (exp.Value, null);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..61] + "...";
}

/// <summary>An authenticated client and how it proved itself, or the error that refused it.</summary>
public readonly record struct ClientAuthentication(ClientRecord? Client, string? CredentialId, string? Method, OAuthError? Error)
{
    /// <summary>A signed assertion (RFC 7523): proof of a private key.</summary>
    public const string PrivateKeyJwt = "private_key_jwt";

    /// <summary>An API key sent in the form body.</summary>
    public const string ClientSecretPost = "client_secret_post";

    /// <summary>An API key sent with HTTP Basic authentication.</summary>
    public const string ClientSecretBasic = "client_secret_basic";

    /// <summary>Success.</summary>
    public ClientAuthentication(ClientRecord client, string credentialId, string method)
        : this(client, credentialId, method, null)
    {
    }

    /// <summary>Whether the client proved itself with a shared secret rather than a key it alone holds.</summary>
    public bool IsWeak => Method is ClientSecretPost or ClientSecretBasic;

    /// <summary>Refusal.</summary>
    public static implicit operator ClientAuthentication(OAuthError error) => new(null, null, null, error);
}
