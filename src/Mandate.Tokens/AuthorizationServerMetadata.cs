using Mandate.Tokens.Issuance;
using Mandate.Tokens.Jose;

namespace Mandate.Tokens;

/// <summary>
/// RFC 8414 authorization server metadata for this issuer: only what works. There is no authorization endpoint
/// (machines only), so no response types.
/// </summary>
public static class AuthorizationServerMetadata
{
    private static readonly string[] ClientAuthMethods = ["private_key_jwt", "client_secret_basic", "client_secret_post"];

    /// <summary>The metadata document's members.</summary>
    public static IReadOnlyDictionary<string, object> Build(TokenServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, object>
        {
            ["issuer"] = options.Issuer,
            ["token_endpoint"] = options.TokenEndpoint,
            ["jwks_uri"] = options.JwksUri,
            ["introspection_endpoint"] = options.IntrospectionEndpoint,
            ["registration_endpoint"] = options.RegistrationEndpoint,
            ["revocation_endpoint"] = options.Issuer.TrimEnd('/') + "/oauth2/revoke",
            ["grant_types_supported"] = new[] { "client_credentials", JwtBearerGrant.GrantType, TokenExchangeGrant.GrantType },
            ["authorization_details_types_supported"] = new[] { Details.MandateDetail.Type },
            ["token_endpoint_auth_methods_supported"] = ClientAuthMethods,
            ["token_endpoint_auth_signing_alg_values_supported"] = JwsAlgorithms.External,
            ["introspection_endpoint_auth_methods_supported"] = ClientAuthMethods,
            ["introspection_endpoint_auth_signing_alg_values_supported"] = JwsAlgorithms.External,
            ["revocation_endpoint_auth_methods_supported"] = ClientAuthMethods,
            ["revocation_endpoint_auth_signing_alg_values_supported"] = JwsAlgorithms.External,
            ["dpop_signing_alg_values_supported"] = JwsAlgorithms.External,
            ["response_types_supported"] = Array.Empty<string>(),
        };
    }
}
