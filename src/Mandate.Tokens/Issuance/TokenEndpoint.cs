using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Tokens.Clients;
using Mandate.Tokens.Dpop;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Issuance;

/// <summary>
/// The token endpoint as a pipeline: request shape -> DPoP proof -> client authentication or grant assertion ->
/// grant validation -> RFC 9068 access token (DPoP-bound when a proof came with the request). Every outcome is
/// reported to <see cref="ITokenEvents"/>.
/// </summary>
public sealed class TokenEndpoint(
    ClientAssertionValidator clients, ClientSecretValidator secrets, JwtBearerGrant jwtBearer, DpopProofValidator dpop, SigningKeyRing keys,
    TokenServiceOptions options, TimeProvider time, ITokenEvents events)
{
    /// <summary>The <c>typ</c> of access tokens (RFC 9068).</summary>
    public const string AccessTokenType = "at+jwt";

    private const int MaxScopeLength = 2048;
    private readonly ClientAuthenticator _clients = new(clients, secrets);
    private const int MaxResources = 10;

    /// <summary>Handles a token request given its form fields (name to every value sent).</summary>
    public async ValueTask<TokenResult> HandleAsync(IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var clientId = Single(form, "client_id", out _);
        var result = await HandleCoreAsync(form, context, cancellationToken);
        if (result.Token is { } token)
        {
            events.Issued(token, context);
        }
        else
        {
            events.Refused(result.Error!, clientId, context);
        }

        return result;
    }

    private async ValueTask<TokenResult> HandleCoreAsync(IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken)
    {
        foreach (var (name, values) in form)
        {
            if (values.Length > 1 && name != "resource")
            {
                return OAuthError.InvalidRequest($"parameter `{name}` is repeated");
            }
        }

        var grantType = Single(form, "grant_type", out _);
        if (grantType is null)
        {
            return OAuthError.InvalidRequest("`grant_type` is required");
        }

        if (grantType is not ("client_credentials" or JwtBearerGrant.GrantType))
        {
            return OAuthError.UnsupportedGrantType(
                $"grant type `{(grantType.Length > 80 ? grantType[..80] : grantType)}` is not supported; use `client_credentials` or `{JwtBearerGrant.GrantType}`");
        }

        // The proof is checked before the client's assertion, so a nonce round trip does not burn the assertion's jti.
        string? boundKey = null;
        if (context.DpopProof is { } proof)
        {
            var validation = dpop.Validate(proof, "POST", [options.TokenEndpoint, context.RequestUrl], null, options.DpopNonceRequired);
            if (validation.Error is not null)
            {
                return validation.ToOAuthError();
            }

            boundKey = validation.KeyThumbprint;
        }

        var authentication = grantType == JwtBearerGrant.GrantType
            ? await AuthenticateFederatedAsync(form, context, cancellationToken)
            : await AuthenticateClientAsync(form, context, cancellationToken);
        if (authentication.Error is { } clientError)
        {
            return clientError;
        }

        var scope = Single(form, "scope", out _);
        if (scope is not null && !IsValidScope(scope))
        {
            return OAuthError.InvalidScope("`scope` must be space-separated scope tokens without quotes or backslashes");
        }

        var audiences = form.TryGetValue("resource", out var resources) ? resources : [];
        if (audiences.Length > MaxResources)
        {
            return OAuthError.InvalidTarget($"at most {MaxResources} `resource` values are accepted");
        }

        foreach (var resource in audiences)
        {
            // On Unix a rooted path parses as an absolute file URI; a resource indicator is never one.
            if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri) || uri.IsFile || resource.StartsWith('/')
                || uri.Fragment.Length > 0 || resource.Length > 512)
            {
                return OAuthError.InvalidTarget("each `resource` must be an absolute URI without a fragment (RFC 8707)");
            }
        }

        return Issue(authentication, audiences.Length == 0 ? [options.DefaultAudience] : [.. audiences.Distinct(StringComparer.Ordinal)],
            string.IsNullOrWhiteSpace(scope) ? null : string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)),
            boundKey);
    }

    /// <summary>
    /// The jwt-bearer grant: the assertion names the identity. Client authentication is optional (RFC 7523 section
    /// 3.1); when the request carries it, it must authenticate that same identity.
    /// </summary>
    private async ValueTask<ClientAuthentication> AuthenticateFederatedAsync(
        IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken)
    {
        var clientId = Single(form, "client_id", out _);
        var federated = await jwtBearer.AuthenticateAsync(Single(form, "assertion", out _), clientId, cancellationToken);
        if (federated.Error is not null || !ClientAuthenticator.HasCredentials(form, context.BasicCredentials))
        {
            return federated;
        }

        var caller = await AuthenticateClientAsync(form, context, cancellationToken);
        return caller.Error is not null ? caller
            : caller.Client!.ClientId != federated.Client!.ClientId ? OAuthError.InvalidGrant("the assertion is for another identity than the authenticated client")
            : federated;
    }

    /// <summary>Exactly one client authentication method per request (RFC 6749 section 2.3).</summary>
    private ValueTask<ClientAuthentication> AuthenticateClientAsync(
        IReadOnlyDictionary<string, string[]> form, TokenRequestContext context, CancellationToken cancellationToken) =>
        _clients.AuthenticateAsync(form, context.BasicCredentials, cancellationToken);

    private TokenResult Issue(ClientAuthentication authentication, string[] audiences, string? scope, string? boundKey)
    {
        var client = authentication.Client!;
        var now = time.GetUtcNow();
        var expires = now + options.AccessTokenLifetime;
        var jti = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", options.Issuer);
            writer.WriteString("sub", client.Subject);
            if (audiences.Length == 1)
            {
                writer.WriteString("aud", audiences[0]);
            }
            else
            {
                writer.WriteStartArray("aud");
                foreach (var audience in audiences)
                {
                    writer.WriteStringValue(audience);
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
            writer.WriteString("jti", jti);
            writer.WriteString("client_id", client.ClientId);
            writer.WriteString("sub_kind", client.SubjectKind);
            if (scope is not null)
            {
                writer.WriteString("scope", scope);
            }

            if (boundKey is not null)
            {
                writer.WriteStartObject("cnf");
                writer.WriteString("jkt", boundKey);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        var signing = keys.Current;
        var token = CompactJws.Sign(buffer.WrittenSpan, signing, AccessTokenType);
        return new TokenResult(
            new IssuedToken(token, jti, client.Subject, client.ClientId, authentication.CredentialId!, authentication.Method!, audiences, scope,
                DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()), boundKey),
            (int)options.AccessTokenLifetime.TotalSeconds, null);
    }

    private static string? Single(IReadOnlyDictionary<string, string[]> form, string name, out bool repeated)
    {
        repeated = false;
        if (!form.TryGetValue(name, out var values) || values.Length == 0)
        {
            return null;
        }

        repeated = values.Length > 1;
        return values[0].Length == 0 ? null : values[0];
    }

    // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    private static bool IsValidScope(string scope) =>
        scope.Length <= MaxScopeLength && scope.All(c => c == ' ' || (c >= '\x21' && c <= '\x7e' && c != '"' && c != '\\'));
}
