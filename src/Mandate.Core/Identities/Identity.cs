namespace Mandate.Core.Identities;

/// <summary>A human or non-human identity governed by Mandate.</summary>
public sealed record Identity
{
    /// <summary>Stable identifier, unique across all kinds; also the Cedar entity id.</summary>
    public required string Id { get; init; }

    /// <summary>The kind of actor.</summary>
    public required IdentityKind Kind { get; init; }

    /// <summary>Name shown to people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The accountable human's identity id; required for every non-human kind.</summary>
    public string? Owner { get; init; }

    /// <summary>What the identity exists to do, in the owner's words.</summary>
    public string? Purpose { get; init; }

    /// <summary>Deployment environment, for example <c>production</c>.</summary>
    public string? Environment { get; init; }

    /// <summary>Free-form labels for selection and policy.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;

    /// <summary>Lifecycle state.</summary>
    public IdentityStatus Status { get; init; } = IdentityStatus.Active;

    /// <summary>For agents and workloads: the identity that created this one.</summary>
    public string? Parent { get; init; }

    /// <summary>When the identity was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the identity was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the identity last authenticated, if ever.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When the identity stops being valid, if it has an end date.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Optimistic concurrency version, incremented by the store on every update.</summary>
    public long Version { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyLabels =
        new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();

    /// <summary>Whether the identity may act at <paramref name="now"/>: active and not expired.</summary>
    public bool IsEffective(DateTimeOffset now) =>
        Status == IdentityStatus.Active && (ExpiresAt is null || ExpiresAt > now);
}
