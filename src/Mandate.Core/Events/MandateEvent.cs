namespace Mandate.Core.Events;

/// <summary>One entry of the normalized, append-only event stream.</summary>
public sealed record MandateEvent
{
    /// <summary>Position in the stream, assigned by the store on append (0 before).</summary>
    public long Sequence { get; init; }

    /// <summary>Globally unique event id.</summary>
    public required string Id { get; init; }

    /// <summary>When the activity happened.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Event class.</summary>
    public required EventCategory Category { get; init; }

    /// <summary>Dotted activity name, for example <c>token.issued</c> or <c>decision.evaluated</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Success/allow or failure/deny.</summary>
    public required EventOutcome Outcome { get; init; }

    /// <summary>The identity that acted (the current actor of a delegation chain).</summary>
    public string? ActorId { get; init; }

    /// <summary>The acting identity's kind, when known.</summary>
    public string? ActorKind { get; init; }

    /// <summary>Identities on whose behalf the actor acted, innermost delegator last.</summary>
    public IReadOnlyList<string> Chain { get; init; } = [];

    /// <summary>The action attempted, for example a Cedar action or an admin operation.</summary>
    public string? Action { get; init; }

    /// <summary>Type of the target resource.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Id of the target resource.</summary>
    public string? ResourceId { get; init; }

    /// <summary>Policies that determined a decision.</summary>
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>The token (<c>jti</c>) involved, if any.</summary>
    public string? TokenId { get; init; }

    /// <summary>Caller's IP address.</summary>
    public string? SourceIp { get; init; }

    /// <summary>Caller's user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Correlation id of the request that caused the event.</summary>
    public string? RequestId { get; init; }

    /// <summary>Human-readable summary or refusal reason.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// The system that produced the event: null for Mandate itself, otherwise the external producer, such as
    /// <c>aws.cloudtrail</c> or <c>kubernetes.audit</c>.
    /// </summary>
    public string? Source { get; init; }
}
