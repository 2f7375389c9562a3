namespace Mandate.Core.Events;

/// <summary>Filters for reading the event stream; every set filter must match. Results are in sequence order.</summary>
public sealed record EventQuery
{
    /// <summary>Only events whose actor is this identity (see <see cref="IncludeDelegated"/>).</summary>
    public string? IdentityId { get; init; }

    /// <summary>
    /// Only events whose actor is one of these identities (see <see cref="IncludeDelegated"/>); taken together with
    /// <see cref="IdentityId"/> as one set, for example an identity and its sub-agents.
    /// </summary>
    public IReadOnlyCollection<string> IdentityIds { get; init; } = [];

    /// <summary>
    /// With <see cref="IdentityId"/> or <see cref="IdentityIds"/>: also events done on the identity's behalf further down a delegation chain,
    /// where it appears as a delegator.
    /// </summary>
    public bool IncludeDelegated { get; init; }

    /// <summary>Only events of this action.</summary>
    public string? Action { get; init; }

    /// <summary>Only events whose target resource has this type.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Only events whose target resource has this id.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Only events of this dotted type, or of types starting with it followed by a dot.</summary>
    public string? Type { get; init; }

    /// <summary>Only events with this outcome.</summary>
    public EventOutcome? Outcome { get; init; }

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events after this sequence number (the cursor).</summary>
    public long AfterSequence { get; init; }
}
