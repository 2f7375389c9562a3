using System.Text.Json.Serialization;

namespace Mandate.Core.Credentials;

/// <summary>The public, storable part of a credential; one subtype per <see cref="CredentialKind"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PublicKeyMaterial), "public_key")]
[JsonDerivedType(typeof(ApiKeyMaterial), "api_key")]
[JsonDerivedType(typeof(FederatedTrustMaterial), "federated_trust")]
[JsonDerivedType(typeof(CertificateThumbprintMaterial), "certificate_thumbprint")]
[JsonDerivedType(typeof(JwksUriMaterial), "jwks_uri")]
public abstract record CredentialMaterial
{
    /// <summary>The credential kind this material belongs to.</summary>
    [JsonIgnore]
    public abstract CredentialKind Kind { get; }
}

/// <summary>A public JSON Web Key (RFC 7517) verifying the identity's signed assertions.</summary>
/// <param name="Jwk">The public JWK as JSON text; private members are refused on registration.</param>
/// <param name="KeyId">The key id (<c>kid</c>); defaults to the RFC 7638 thumbprint.</param>
/// <param name="Thumbprint">The RFC 7638 SHA-256 thumbprint, base64url.</param>
public sealed record PublicKeyMaterial(string Jwk, string KeyId, string Thumbprint) : CredentialMaterial
{
    /// <inheritdoc />
    [JsonIgnore]
    public override CredentialKind Kind => CredentialKind.PublicKey;
}

/// <summary>An API key, of which only a recognisable prefix and a hash are kept.</summary>
/// <param name="Prefix">The non-secret lookup prefix shown in listings (for example <c>mnd_k7q2x9</c>).</param>
/// <param name="Hash">
/// SHA-256 of the whole key, base64url. The API's answers leave it out, so a credential read from them has it empty,
/// which matches no key.
/// </param>
public sealed record ApiKeyMaterial(string Prefix, string Hash = "") : CredentialMaterial
{
    /// <inheritdoc />
    [JsonIgnore]
    public override CredentialKind Kind => CredentialKind.ApiKey;
}

/// <summary>
/// Trust in tokens from an external OIDC issuer whose subject matches a pattern: such a token, presented with the
/// RFC 7523 jwt-bearer grant, gets an access token for the identity holding this credential.
/// </summary>
/// <param name="Issuer">The external issuer URL (its <c>iss</c>).</param>
/// <param name="SubjectPattern">Required subject: exact, or with <c>*</c> wildcards; never empty or only wildcards.</param>
/// <param name="Audience">The audience the external token must carry; when null, Mandate's issuer or token endpoint.</param>
/// <param name="Jwks">The issuer's public keys as a JWK Set (JSON text), when given inline.</param>
/// <param name="JwksUri">Where the issuer publishes its JWK Set, when fetched.</param>
/// <param name="AllowReuse">
/// Whether one external token may be exchanged more than once while it lives (platforms such as Kubernetes hand a
/// workload one token for an hour); by default each <c>jti</c> is accepted once.
/// </param>
public sealed record FederatedTrustMaterial(
    string Issuer, string SubjectPattern, string? Audience = null, string? Jwks = null, string? JwksUri = null, bool AllowReuse = false) : CredentialMaterial
{
    /// <inheritdoc />
    [JsonIgnore]
    public override CredentialKind Kind => CredentialKind.FederatedTrust;
}

/// <summary>An X.509 certificate pinned by its SHA-256 thumbprint.</summary>
/// <param name="Thumbprint">Lower-case hex SHA-256 of the DER certificate.</param>
public sealed record CertificateThumbprintMaterial(string Thumbprint) : CredentialMaterial
{
    /// <inheritdoc />
    [JsonIgnore]
    public override CredentialKind Kind => CredentialKind.CertificateThumbprint;
}

/// <summary>A URL where the identity publishes its public keys (a JWK Set), fetched and cached when it authenticates.</summary>
/// <param name="Uri">The https URL (http only on loopback).</param>
public sealed record JwksUriMaterial(string Uri) : CredentialMaterial
{
    /// <inheritdoc />
    [JsonIgnore]
    public override CredentialKind Kind => CredentialKind.JwksUri;
}
