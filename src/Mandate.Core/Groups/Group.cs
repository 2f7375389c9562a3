namespace Mandate.Core.Groups;

/// <summary>A group or role. Membership edges make identities (and groups) its children in the entity graph.</summary>
public sealed record Group
{
    /// <summary>Stable identifier, unique among groups and roles.</summary>
    public required string Id { get; init; }

    /// <summary>Group or role.</summary>
    public GroupKind Kind { get; init; } = GroupKind.Group;

    /// <summary>Name shown to people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>What membership means.</summary>
    public string? Description { get; init; }

    /// <summary>Accountable human identity id.</summary>
    public string? Owner { get; init; }

    /// <summary>When the group was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the group was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency version, incremented by the store on every update.</summary>
    public long Version { get; init; }
}
