using System.Text.Json;
using Mandate.Core.Credentials;
using Mandate.Core.Identities;

namespace Mandate.Server.Admin.Contracts;

/// <summary>
/// Body of <c>POST /v1/identities</c>. <c>jwks</c> (a JWK Set: each key becomes a <c>public_key</c> credential) and
/// <c>jwks_uri</c> (a <c>jwks_uri</c> credential) are shorthands for entries of <c>credentials</c>.
/// </summary>
public sealed record CreateIdentityRequest(
    IdentityKind Kind,
    string DisplayName,
    string? Id = null,
    string? Owner = null,
    string? Purpose = null,
    string? Environment = null,
    Dictionary<string, string>? Labels = null,
    string? Parent = null,
    DateTimeOffset? ExpiresAt = null,
    List<CredentialInput>? Credentials = null,
    JsonElement? Jwks = null,
    string? JwksUri = null);

/// <summary>Body of <c>PATCH /v1/identities/{id}</c>; absent members are left unchanged.</summary>
public sealed record UpdateIdentityRequest(
    string? DisplayName = null,
    string? Owner = null,
    string? Purpose = null,
    string? Environment = null,
    Dictionary<string, string>? Labels = null,
    DateTimeOffset? ExpiresAt = null,
    long? Version = null);

/// <summary>Body of the status-changing calls (suspend, resume, deactivate, revoke).</summary>
public sealed record StatusChangeRequest(string? Reason = null);

/// <summary>
/// A credential to add. Which members are required depends on <see cref="Kind"/>: <c>jwk</c> for a public key,
/// <c>jwks_uri</c> for a JWKS URL, <c>issuer</c>, <c>subject</c> and <c>jwks</c> or <c>jwks_uri</c> for a federated trust
/// (<c>audience</c> and <c>allow_reuse</c> optional), <c>thumbprint</c> for a certificate.
/// </summary>
public sealed record CredentialInput(
    CredentialKind Kind,
    JsonElement? Jwk = null,
    string? Issuer = null,
    string? Subject = null,
    string? Audience = null,
    string? Thumbprint = null,
    string? Description = null,
    DateTimeOffset? ExpiresAt = null,
    JsonElement? Jwks = null,
    string? JwksUri = null,
    bool? AllowReuse = null);

/// <summary>An identity and, on creation, its credentials and any API key secrets (shown once).</summary>
public sealed record IdentityResponse(Identity Identity, IReadOnlyList<Credential>? Credentials = null, IReadOnlyList<IssuedSecret>? Secrets = null);

/// <summary>A credential and, for a new API key, its secret (shown once, never stored).</summary>
public sealed record CredentialResponse(Credential Credential, string? Secret = null);

/// <summary>Body of <c>POST /v1/credentials/{id}/rotate</c>: how long the old API key keeps working (default 3,600 seconds).</summary>
public sealed record RotateCredentialRequest(long? OverlapSeconds = null);

/// <summary>A rotated API key: the successor with its secret (shown once), and the old key with its shortened expiry.</summary>
public sealed record RotationResponse(Credential Credential, string Secret, Credential Retiring);

/// <summary>An API key secret issued for a credential.</summary>
public sealed record IssuedSecret(string CredentialId, string Secret);

/// <summary>A page of results.</summary>
public sealed record PageResponse<T>(
    IReadOnlyList<T> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? NextCursor = null);
