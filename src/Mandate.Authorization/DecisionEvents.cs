using Mandate.Core.Events;

namespace Mandate.Authorization;

/// <summary>
/// The <c>decision.evaluated</c> event of a decision, one shape whoever decided it: the server's decision point, or an
/// in-process enforcement point that reports its decisions back.
/// </summary>
public static class DecisionEvents
{
    /// <summary>The event type of every decision.</summary>
    public const string Type = "decision.evaluated";

    /// <summary>Describes one decision as an event.</summary>
    public static MandateEvent Create(DecisionRequest request, in DecisionOrigin origin, DecisionResult result, AuthorizationSnapshot snapshot, DateTimeOffset now) =>
        Fields(request, origin, result, snapshot, now).ToEvent();

    /// <summary>
    /// The fields of one decision's event, with no id yet: the server, which records every decision, encodes them into
    /// a batch or hands them to its sink (<see cref="EncodedEvents.Add(in EventFields)"/>, <see cref="IEventSink.Emit(in EventFields)"/>),
    /// so neither the event nor its id is made as an object. They encode to the line of <see cref="Create"/>'s event.
    /// </summary>
    public static EventFields Fields(DecisionRequest request, in DecisionOrigin origin, DecisionResult result, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        var principalIsIdentity = DecisionEngine.IsIdentity(request.Principal, snapshot);
        return new EventFields
        {
            IdPrefix = "evt",
            Time = now,
            Category = EventCategory.Authorization,
            Type = Type,
            Outcome = result.Allowed ? EventOutcome.Success : EventOutcome.Failure,
            ActorId = principalIsIdentity ? request.Principal.Id : request.Principal.ToString(),
            ActorKind = request.Principal.EntityType.ToString(),
            Action = request.Action.Id,
            ResourceType = request.Resource.EntityType.ToString(),
            ResourceId = request.Resource.Id,
            Chain = request.Token is { Chain.Count: > 1 } token ? [.. token.Chain.Skip(1)] : [],
            Policies = result.Reasons,
            TokenId = request.Token?.TokenId ?? origin.TokenId,
            SourceIp = origin.SourceIp,
            UserAgent = origin.UserAgent,
            RequestId = origin.RequestId,
            Message = Message(request, origin, result),
        };
    }

    private static string Message(DecisionRequest request, in DecisionOrigin origin, DecisionResult result)
    {
        var outcome = result.Allowed ? "allow" : "deny";
        var askedBySelf = origin.CallerId == request.Principal.Id;

        // The common case, a plain decision asked by its own principal, is a constant: no string is built per decision.
        return result.FailedHop is null && result.Errors.Count == 0 && askedBySelf
            ? outcome
            : outcome
                + (result.FailedHop is null ? string.Empty : $"; refused at {result.FailedHop}")
                + (result.Errors.Count == 0 ? string.Empty : "; errors: " + string.Join("; ", result.Errors.Select(e => $"{e.PolicyId}: {e.Message}")))
                + (askedBySelf ? string.Empty : $"; asked by {origin.CallerId}");
    }
}
