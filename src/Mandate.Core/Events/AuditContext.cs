namespace Mandate.Core.Events;

/// <summary>Who asked for a change and from where; stamped on the events the change produces.</summary>
/// <param name="ActorId">The authenticated caller (an identity id, or <c>admin</c> for the bootstrap credential).</param>
/// <param name="ActorKind">The caller's kind, when known.</param>
/// <param name="SourceIp">Caller's address.</param>
/// <param name="UserAgent">Caller's user agent.</param>
/// <param name="RequestId">Correlation id.</param>
public sealed record AuditContext(
    string ActorId,
    string? ActorKind = null,
    string? SourceIp = null,
    string? UserAgent = null,
    string? RequestId = null)
{
    /// <summary>The control plane acting on its own (seeding, background jobs).</summary>
    public static AuditContext System { get; } = new("system", "system");

    /// <summary>Builds an event carrying this context.</summary>
    public MandateEvent ToEvent(
        DateTimeOffset time,
        EventCategory category,
        string type,
        EventOutcome outcome,
        string? resourceType = null,
        string? resourceId = null,
        string? message = null) => new()
        {
            Id = MandateId.New("evt"),
            Time = time,
            Category = category,
            Type = type,
            Outcome = outcome,
            ActorId = ActorId,
            ActorKind = ActorKind,
            Action = type,
            ResourceType = resourceType,
            ResourceId = resourceId,
            SourceIp = SourceIp,
            UserAgent = UserAgent,
            RequestId = RequestId,
            Message = message,
        };
}
