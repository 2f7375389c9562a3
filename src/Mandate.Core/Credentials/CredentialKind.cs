namespace Mandate.Core.Credentials;

/// <summary>How an identity proves itself.</summary>
public enum CredentialKind
{
    /// <summary>A public key (JWK) verifying signed client assertions (RFC 7523 private_key_jwt).</summary>
    PublicKey,

    /// <summary>A high-entropy API key stored only as a hash; weaker than key-based proof.</summary>
    ApiKey,

    /// <summary>Trust in an external OIDC issuer for subjects matching a pattern (workload federation).</summary>
    FederatedTrust,

    /// <summary>An X.509 certificate identified by its SHA-256 thumbprint (mutual TLS).</summary>
    CertificateThumbprint,

    /// <summary>A URL where the identity publishes its public keys as a JWK Set (RFC 7591 <c>jwks_uri</c>).</summary>
    JwksUri,
}
