using Mandate.Core.Events;
using Microsoft.Extensions.Logging;

namespace Mandate.Authorization;

/// <summary>
/// The policy decision point: evaluates a request against the current snapshot with Cedar and records the
/// decision as an event. Principals that are Mandate identities must be active; any internal failure denies.
/// </summary>
public sealed partial class DecisionPoint(SnapshotSource snapshots, IEventSink events, TimeProvider time, ILogger<DecisionPoint> logger)
{
    /// <summary>The snapshot a group of decisions should share, so that a batch never mixes two states.</summary>
    public AuthorizationSnapshot Snapshot => snapshots.Current;

    /// <summary>Decides against the current snapshot and records.</summary>
    public DecisionResult Decide(DecisionRequest request, in DecisionOrigin origin) => Decide(request, origin, snapshots.Current);

    /// <summary>Decides against <paramref name="snapshot"/> and records; any internal failure denies.</summary>
    public DecisionResult Decide(DecisionRequest request, in DecisionOrigin origin, AuthorizationSnapshot snapshot) =>
        Decide(request, origin, snapshot, time.GetUtcNow());

    /// <summary>
    /// Decides against <paramref name="snapshot"/> at <paramref name="now"/> and records; any internal failure denies.
    /// A caller that already read the clock for the request (to put the time in its context) passes that instant, so
    /// the decision, its context and its event agree on it. With <paramref name="recorded"/>, the decision's event is
    /// encoded into it rather than emitted: the caller hands the group to the event sink once its decisions are made
    /// (and also when making them fails part way), as a batch of evaluations does.
    /// </summary>
    public DecisionResult Decide(DecisionRequest request, in DecisionOrigin origin, AuthorizationSnapshot snapshot, DateTimeOffset now, EncodedEvents? recorded = null)
    {
        var result = DecisionEngine.Decide(request, snapshot, now, out var failure);
        if (failure is not null)
        {
            LogDecisionFailed(failure, request.Principal.ToString(), request.Action.ToString());
        }

        // The event is timed at the instant the decision saw (as an in-process enforcement point times it), and encoded
        // on the deciding thread, into the caller's group or by the sink.
        var decided = DecisionEvents.Fields(request, origin, result, snapshot, now);
        if (recorded is null)
        {
            events.Emit(decided);
        }
        else
        {
            recorded.Add(decided);
        }

        return result;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "evaluating {Principal} {Action} failed; denied")]
    private partial void LogDecisionFailed(Exception exception, string principal, string action);
}
