using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Clients;

/// <summary>
/// Authenticates clients by RFC 7523 signed assertions (<c>private_key_jwt</c>): <c>iss</c> = <c>sub</c> =
/// client, audience = this issuer or its token endpoint, short lifetime, single-use <c>jti</c>, signature by a
/// registered key. The <c>jti</c> is consumed only after the signature verifies, so forgeries cannot burn it.
/// </summary>
public sealed class ClientAssertionValidator(
    IClientDirectory clients, RemoteKeySets remoteKeys, IReplayCache replay, TokenServiceOptions options, TimeProvider time)
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

        return await CompactJws.ParseAndCheckAsync(assertion, JwsAlgorithms.External, jws => ValidateAsync(jws, clientId, cancellationToken),
            message => (ClientAuthentication)OAuthError.InvalidClient("client assertion: " + message));
    }

    private async ValueTask<ClientAuthentication> ValidateAsync(CompactJws jws, string? clientId, CancellationToken cancellationToken)
    {
        if (!IsAcceptedType(jws.Type))
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

        var lifetime = TokenLifetime.Check(claims, time.GetUtcNow(), options.ClockSkew, options.MaxAssertionLifetime);
        if (lifetime.Error is not null)
        {
            return OAuthError.InvalidClient("client assertion: " + lifetime.Error);
        }

        var (credentialId, keyError) = await FindVerifyingKeyAsync(jws, client, cancellationToken);
        if (credentialId is null)
        {
            return OAuthError.InvalidClient("client assertion: " + keyError);
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

        return new ClientAuthentication(client, credentialId, ClientAuthentication.PrivateKeyJwt);
    }

    private static bool IsAcceptedType(string? type)
    {
        foreach (var accepted in AcceptedTypes)
        {
            if (string.Equals(type, accepted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The credential whose key verifies the assertion: registered keys first, then keys behind registered URLs.</summary>
    private async ValueTask<(string? CredentialId, string? Error)> FindVerifyingKeyAsync(CompactJws jws, ClientRecord client, CancellationToken cancellationToken)
    {
        var kidKnown = false;
        foreach (var key in client.Keys)
        {
            if (jws.KeyId is not null && key.Jwk.Kid != jws.KeyId)
            {
                continue;
            }

            kidKnown = true;
            if (jws.Verify(key.Jwk))
            {
                return (key.CredentialId, null);
            }
        }

        string? fetchError = null;
        foreach (var set in client.KeySetUris)
        {
            var fetched = await remoteKeys.GetAsync(set.Uri, jws.KeyId, cancellationToken);
            if (fetched.Keys is null)
            {
                fetchError = fetched.Error;
                continue;
            }

            foreach (var key in fetched.Keys)
            {
                if (jws.KeyId is not null && key.Kid != jws.KeyId)
                {
                    continue;
                }

                kidKnown = true;
                if (jws.Verify(key))
                {
                    return (set.CredentialId, null);
                }
            }
        }

        return (null, fetchError is not null && !kidKnown ? $"the client's keys could not be fetched: {fetchError}"
            : jws.KeyId is { } kid && !kidKnown ? $"no registered key has kid `{kid}`"
            : "the signature does not verify with any registered key");
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
