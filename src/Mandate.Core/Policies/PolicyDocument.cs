namespace Mandate.Core.Policies;

/// <summary>A stored Cedar policy (or several) under one id.</summary>
public sealed record PolicyDocument
{
    /// <summary>Stable identifier; the policies inside are named <c>{Id}</c>, or <c>{Id}#n</c> when several.</summary>
    public required string Id { get; init; }

    /// <summary>Cedar policy source text, validated before it is stored.</summary>
    public required string Text { get; init; }

    /// <summary>What the policy is for.</summary>
    public string? Description { get; init; }

    /// <summary>Disabled policies are kept but not evaluated.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When the policy was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the policy was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency version, incremented by the store on every update.</summary>
    public long Version { get; init; }
}
