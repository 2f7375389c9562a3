namespace Mandate.Core.Identities;

/// <summary>Filters for listing identities; every set filter must match.</summary>
public sealed record IdentityQuery
{
    /// <summary>Only identities of this kind.</summary>
    public IdentityKind? Kind { get; init; }

    /// <summary>Only identities in this state.</summary>
    public IdentityStatus? Status { get; init; }

    /// <summary>Only identities owned by this identity id.</summary>
    public string? Owner { get; init; }

    /// <summary>Only identities created by this parent.</summary>
    public string? Parent { get; init; }

    /// <summary>Only identities in this environment.</summary>
    public string? Environment { get; init; }

    /// <summary>Only identities carrying this label key (and value, when given).</summary>
    public string? LabelKey { get; init; }

    /// <summary>Label value to match with <see cref="LabelKey"/>.</summary>
    public string? LabelValue { get; init; }

    /// <summary>Case-insensitive substring of the id or display name.</summary>
    public string? Search { get; init; }
}
