namespace Mandate.Core.Events;

/// <summary>
/// The fields of one event as the codec writes them, without an object: a producer on a hot path (every decision)
/// encodes them straight into a batch (<see cref="EncodedEvents.Add(in EventFields)"/>), and with no
/// <see cref="Id"/> the batch writes a new id into the line itself, so neither the event nor its id is ever a heap
/// object. <see cref="ToEvent"/> makes the <see cref="MandateEvent"/> of the same fields, for producers that need one.
/// </summary>
public readonly ref struct EventFields
{
    /// <summary>The event's id; null for a new one made from <see cref="IdPrefix"/> and <see cref="Time"/> (<see cref="MandateId"/>).</summary>
    public string? Id { get; init; }

    /// <summary>The prefix of a new id (<c>evt</c>), when <see cref="Id"/> is null.</summary>
    public string IdPrefix { get; init; }

    /// <inheritdoc cref="MandateEvent.Time"/>
    public required DateTimeOffset Time { get; init; }

    /// <inheritdoc cref="MandateEvent.Category"/>
    public required EventCategory Category { get; init; }

    /// <inheritdoc cref="MandateEvent.Type"/>
    public required string Type { get; init; }

    /// <inheritdoc cref="MandateEvent.Outcome"/>
    public required EventOutcome Outcome { get; init; }

    /// <inheritdoc cref="MandateEvent.ActorId"/>
    public string? ActorId { get; init; }

    /// <inheritdoc cref="MandateEvent.ActorKind"/>
    public string? ActorKind { get; init; }

    /// <inheritdoc cref="MandateEvent.Chain"/>
    public IReadOnlyList<string> Chain { get; init; }

    /// <inheritdoc cref="MandateEvent.Action"/>
    public string? Action { get; init; }

    /// <inheritdoc cref="MandateEvent.ResourceType"/>
    public string? ResourceType { get; init; }

    /// <inheritdoc cref="MandateEvent.ResourceId"/>
    public string? ResourceId { get; init; }

    /// <inheritdoc cref="MandateEvent.Policies"/>
    public IReadOnlyList<string> Policies { get; init; }

    /// <inheritdoc cref="MandateEvent.TokenId"/>
    public string? TokenId { get; init; }

    /// <inheritdoc cref="MandateEvent.SourceIp"/>
    public string? SourceIp { get; init; }

    /// <inheritdoc cref="MandateEvent.UserAgent"/>
    public string? UserAgent { get; init; }

    /// <inheritdoc cref="MandateEvent.RequestId"/>
    public string? RequestId { get; init; }

    /// <inheritdoc cref="MandateEvent.Message"/>
    public string? Message { get; init; }

    /// <inheritdoc cref="MandateEvent.Source"/>
    public string? Source { get; init; }

    /// <summary>The fields of <paramref name="e"/>.</summary>
    public static EventFields Of(MandateEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new EventFields
        {
            Id = e.Id, IdPrefix = string.Empty, Time = e.Time, Category = e.Category, Type = e.Type, Outcome = e.Outcome,
            ActorId = e.ActorId, ActorKind = e.ActorKind, Chain = e.Chain, Action = e.Action, ResourceType = e.ResourceType,
            ResourceId = e.ResourceId, Policies = e.Policies, TokenId = e.TokenId, SourceIp = e.SourceIp,
            UserAgent = e.UserAgent, RequestId = e.RequestId, Message = e.Message, Source = e.Source,
        };
    }

    /// <summary>The event of these fields, with a new id when they have none.</summary>
    public MandateEvent ToEvent() => new()
    {
        Id = Id ?? MandateId.New(IdPrefix, Time), Time = Time, Category = Category, Type = Type, Outcome = Outcome,
        ActorId = ActorId, ActorKind = ActorKind, Chain = Chain ?? [], Action = Action, ResourceType = ResourceType,
        ResourceId = ResourceId, Policies = Policies ?? [], TokenId = TokenId, SourceIp = SourceIp, UserAgent = UserAgent,
        RequestId = RequestId, Message = Message, Source = Source,
    };
}
