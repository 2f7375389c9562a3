namespace Mandate.Tokens;

/// <summary>RFC 8414 authorization server metadata for this issuer.</summary>
public static class AuthorizationServerMetadata
{
    /// <summary>The metadata document's members.</summary>
    public static IReadOnlyDictionary<string, object> Build(TokenServiceOptions options) => new Dictionary<string, object>
    {
        ["issuer"] = options.Issuer,
        ["token_endpoint"] = options.TokenEndpoint,
        ["jwks_uri"] = options.JwksUri,
        ["introspection_endpoint"] = options.Issuer.TrimEnd('/') + "/oauth2/introspect",
        ["revocation_endpoint"] = options.Issuer.TrimEnd('/') + "/oauth2/revoke",
        ["grant_types_supported"] = new[] { "client_credentials", Issuance.TokenExchangeGrant.GrantType },
        ["authorization_details_types_supported"] = new[] { Details.MandateDetail.Type },
        ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic", "client_secret_post" },
        ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "ES256" },
        ["response_types_supported"] = Array.Empty<string>(),
    };
}
