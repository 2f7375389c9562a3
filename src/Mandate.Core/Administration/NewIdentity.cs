using Mandate.Core.Credentials;
using Mandate.Core.Identities;

namespace Mandate.Core.Administration;

/// <summary>What a caller supplies to register an identity.</summary>
public sealed record NewIdentity
{
    /// <summary>Chosen id; generated (kind prefix + time-ordered random) when absent.</summary>
    public string? Id { get; init; }

    /// <summary>The kind of actor.</summary>
    public required IdentityKind Kind { get; init; }

    /// <summary>Name shown to people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Accountable human; required for non-human kinds.</summary>
    public string? Owner { get; init; }

    /// <summary>What it exists to do.</summary>
    public string? Purpose { get; init; }

    /// <summary>Deployment environment.</summary>
    public string? Environment { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The identity that created this one.</summary>
    public string? Parent { get; init; }

    /// <summary>End of validity.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Credentials registered in the same atomic step (for example the agent's public key).</summary>
    public IReadOnlyList<NewCredential> Credentials { get; init; } = [];
}

/// <summary>A credential to add; the material is already validated by the caller's protocol layer.</summary>
/// <param name="Material">Public material (API keys come from <see cref="ApiKeySecret"/>).</param>
/// <param name="Description">Optional note.</param>
/// <param name="ExpiresAt">End of validity.</param>
public sealed record NewCredential(CredentialMaterial Material, string? Description = null, DateTimeOffset? ExpiresAt = null);

/// <summary>Changes to an identity; null members are left as they are.</summary>
public sealed record IdentityChanges
{
    /// <summary>New display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>New owner.</summary>
    public string? Owner { get; init; }

    /// <summary>New purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>New environment.</summary>
    public string? Environment { get; init; }

    /// <summary>Replacement label set.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>New end of validity.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Expected version for optimistic concurrency; the current one when absent.</summary>
    public long? Version { get; init; }
}
