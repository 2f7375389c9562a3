namespace Mandate.Core.Credentials;

/// <summary>A credential bound to one identity. Secrets are never stored, only their hashes or public halves.</summary>
public sealed record Credential
{
    /// <summary>Stable identifier.</summary>
    public required string Id { get; init; }

    /// <summary>The identity this credential authenticates.</summary>
    public required string IdentityId { get; init; }

    /// <summary>Kind-specific public material.</summary>
    public required CredentialMaterial Material { get; init; }

    /// <summary>The credential kind, derived from its material.</summary>
    public CredentialKind Kind => Material.Kind;

    /// <summary>Optional note from whoever added it.</summary>
    public string? Description { get; init; }

    /// <summary>Lifecycle state.</summary>
    public CredentialStatus Status { get; init; } = CredentialStatus.Active;

    /// <summary>When the credential was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the credential stops being accepted, if ever.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the credential was last used to authenticate.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When this credential replaced a predecessor (rotation), if it did.</summary>
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>When the credential was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Optimistic concurrency version, incremented by the store on every update.</summary>
    public long Version { get; init; }

    /// <summary>
    /// Whether the credential is a shared secret (an API key): weaker than proof of a private key, since a copy works
    /// as well as the original. The inventory shows it, with its last use.
    /// </summary>
    public bool IsWeak => Material is ApiKeyMaterial;

    /// <summary>Whether the credential may authenticate at <paramref name="now"/>.</summary>
    public bool IsUsable(DateTimeOffset now) =>
        Status == CredentialStatus.Active && (ExpiresAt is null || ExpiresAt > now);
}
