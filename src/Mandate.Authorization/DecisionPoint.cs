using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;
using Mandate.Core;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Microsoft.Extensions.Logging;

namespace Mandate.Authorization;

/// <summary>
/// The policy decision point: evaluates a request against the current snapshot with Cedar and records the
/// decision as an event. Principals that are Mandate identities must be active; any internal failure denies.
/// </summary>
public sealed partial class DecisionPoint(SnapshotSource snapshots, IEventSink events, TimeProvider time, ILogger<DecisionPoint> logger)
{
    /// <summary>Decides and records.</summary>
    public DecisionResult Decide(DecisionRequest request, DecisionOrigin origin)
    {
        var snapshot = snapshots.Current;
        DecisionResult result;
        try
        {
            result = Evaluate(request, snapshot, time.GetUtcNow());
        }
        catch (Exception ex)
        {
            LogDecisionFailed(ex, request.Principal.ToString(), request.Action.ToString());
            result = new DecisionResult(false, [], [new DecisionError("mandate", "the decision could not be evaluated; denied")]);
        }

        events.Emit(ToEvent(request, origin, result, snapshot));
        return result;
    }

    private static DecisionResult Evaluate(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        // A suspended, deactivated or expired identity is denied before any policy runs: the kill switch
        // must not depend on every policy author remembering to check status.
        if (EntityGraph.TryGetKind(request.Principal.EntityType.ToString(), out _)
            && snapshot.Identities.TryGetValue(request.Principal.Id, out var identity)
            && !identity.IsEffective(now))
        {
            return new DecisionResult(false, [], [new DecisionError("mandate", $"principal `{identity.Id}` is {Describe(identity)}")]);
        }

        var response = Authorizer.IsAuthorized(
            new Request(request.Principal, request.Action, request.Resource, request.Context), snapshot.Policies, EntitiesFor(request, snapshot));
        return new DecisionResult(
            response.Decision == Decision.Allow,
            response.Reasons,
            [.. response.Errors.Select(e => new DecisionError(e.PolicyId, e.Message))]);
    }

    /// <summary>
    /// The snapshot's entities with request properties laid over the principal's and resource's stored attributes.
    /// Rebuilding the store costs time linear in its size; an overlay inside the engine will remove that.
    /// </summary>
    internal static EntityStore EntitiesFor(DecisionRequest request, AuthorizationSnapshot snapshot)
    {
        if (request.PrincipalProperties is null && request.ResourceProperties is null)
        {
            return snapshot.Entities;
        }

        var replaced = new Dictionary<EntityUid, Entity>();
        Overlay(request.Principal, request.PrincipalProperties);
        Overlay(request.Resource, request.ResourceProperties);
        return new EntityStore(snapshot.Entities.Entities.Where(e => !replaced.ContainsKey(e.Uid)).Concat(replaced.Values));

        void Overlay(EntityUid uid, RecordValue? properties)
        {
            if (properties is null || properties.Fields.Count == 0)
            {
                return;
            }

            var stored = replaced.TryGetValue(uid, out var already) ? already : snapshot.Entities.TryGet(uid, out var found) ? found : null;
            var attributes = new Dictionary<string, CedarValue>(stored?.Attributes ?? new Dictionary<string, CedarValue>(), StringComparer.Ordinal);
            foreach (var (name, value) in properties.Fields)
            {
                attributes[name] = value;
            }

            replaced[uid] = new Entity(uid, attributes, stored?.Parents, stored?.Tags);
        }
    }

    private static string Describe(Identity identity) =>
        identity.Status == IdentityStatus.Active ? "expired" : identity.Status.ToString().ToLowerInvariant();

    private MandateEvent ToEvent(DecisionRequest request, DecisionOrigin origin, DecisionResult result, AuthorizationSnapshot snapshot)
    {
        var principalIsIdentity = snapshot.Identities.ContainsKey(request.Principal.Id)
            && EntityGraph.TryGetKind(request.Principal.EntityType.ToString(), out _);
        return new MandateEvent
        {
            Id = MandateId.New("evt"),
            Time = time.GetUtcNow(),
            Category = EventCategory.Authorization,
            Type = "decision.evaluated",
            Outcome = result.Allowed ? EventOutcome.Success : EventOutcome.Failure,
            ActorId = principalIsIdentity ? request.Principal.Id : request.Principal.ToString(),
            ActorKind = request.Principal.EntityType.ToString(),
            Action = request.Action.Id,
            ResourceType = request.Resource.EntityType.ToString(),
            ResourceId = request.Resource.Id,
            Policies = result.Reasons,
            TokenId = origin.TokenId,
            SourceIp = origin.SourceIp,
            UserAgent = origin.UserAgent,
            RequestId = origin.RequestId,
            Message = (result.Allowed ? "allow" : "deny")
                + (result.Errors.Count == 0 ? string.Empty : "; errors: " + string.Join("; ", result.Errors.Select(e => $"{e.PolicyId}: {e.Message}")))
                + (origin.CallerId == request.Principal.Id ? string.Empty : $"; asked by {origin.CallerId}"),
        };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "evaluating {Principal} {Action} failed; denied")]
    private partial void LogDecisionFailed(Exception exception, string principal, string action);
}
