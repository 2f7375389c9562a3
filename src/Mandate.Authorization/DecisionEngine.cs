using System.Runtime.CompilerServices;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;
using Mandate.Authorization.Delegation;
using Mandate.Core.Identities;

namespace Mandate.Authorization;

/// <summary>
/// Decides one request against one snapshot: the kill switch first (a principal that is a Mandate identity must be
/// active), then Cedar with request properties laid over the stored attributes; a request made with a delegated token
/// is the intersection over its chain (<see cref="DelegatedDecisions"/>). No I/O and no events, so the server's
/// <see cref="DecisionPoint"/> and in-process enforcement points decide with exactly the same rules.
/// </summary>
public static class DecisionEngine
{
    /// <summary>The error reported when a decision could not be evaluated at all.</summary>
    public static readonly DecisionError Failure = new("mandate", "the decision could not be evaluated; denied");

    /// <summary>Decides; any failure inside is a deny carrying <see cref="Failure"/>, never an allow or an exception.</summary>
    public static DecisionResult Decide(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now, out Exception? failure)
    {
        try
        {
            failure = null;
            return Evaluate(request, snapshot, now);
        }
        catch (Exception ex)
        {
            failure = ex;
            return new DecisionResult(false, [], [Failure]);
        }
    }

    /// <summary>
    /// <paramref name="context"/> with <c>time</c> set to <paramref name="now"/> unless the caller sent one, as every
    /// decision sees it: a batch that shares one context stamps it once rather than once per item.
    /// </summary>
    public static RecordValue Timed(RecordValue context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DecisionContext.Timed(context, now);
    }

    /// <summary>
    /// The <c>time</c> field <see cref="Timed"/> adds, for a caller that builds a context with it in place (a context
    /// parsed with it as a default is not copied again to add it).
    /// </summary>
    public static KeyValuePair<string, CedarValue> TimeField(DateTimeOffset now) => new(DecisionContext.TimeName, DecisionContext.Time(now));

    /// <summary>Whether the principal is a Mandate identity of the snapshot (not just an entity of a bundle).</summary>
    public static bool IsIdentity(EntityUid principal, AuthorizationSnapshot snapshot) =>
        EntityGraph.TryGetKind(principal.EntityType.ToString(), out _) && snapshot.Identities.ContainsKey(principal.Id);

    /// <summary>
    /// The kill switch: why <paramref name="principal"/>, a Mandate identity suspended, deactivated or expired at
    /// <paramref name="now"/>, may do nothing at all; null when it may act (or is not an identity). Every decision
    /// asks it before any policy runs, and so must anything that has to agree with decisions, such as a search.
    /// </summary>
    public static DecisionError? KillSwitch(EntityUid principal, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(snapshot);
        return EntityGraph.TryGetKind(principal.EntityType.ToString(), out _)
            && snapshot.Identities.TryGetValue(principal.Id, out var identity)
            && !identity.IsEffective(now)
                ? new DecisionError("mandate", $"principal `{identity.Id}` is {Describe(identity)}")
                : null;
    }

    private static DecisionResult Evaluate(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        if (request.Refusal is { } refusal)
        {
            return new DecisionResult(false, [], [new DecisionError("mandate", refusal)]);
        }

        if (request.Token is not null)
        {
            return DecideDelegated(request, snapshot, now);
        }

        // A context that already has its time and no transaction token is decided as it is, without a copy.
        var context = DecisionContext.For(request, now);
        return DecideOne(ReferenceEquals(context, request.Context) && request.Transaction is null ? request : request with { Context = context, Transaction = null }, snapshot, now);
    }

    // Apart, so that the closure over the snapshot is made only for a delegated token, not for every decision.
    private static DecisionResult DecideDelegated(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now) =>
        DelegatedDecisions.Decide(request, snapshot, now, hop => DecideOne(hop, snapshot, now));

    private static DecisionResult DecideOne(DecisionRequest request, AuthorizationSnapshot snapshot, DateTimeOffset now)
    {
        // A suspended, deactivated or expired identity is denied before any policy runs: the kill switch
        // must not depend on every policy author remembering to check status.
        if (KillSwitch(request.Principal, snapshot, now) is { } stopped)
        {
            return new DecisionResult(false, [], [stopped]);
        }

        var response = Authorizer.IsAuthorized(Prepare(request, snapshot.Entities), snapshot.Policies);
        return response.Errors.Count == 0 && response.Reasons.Count == 1
            ? SoleResults.GetValue(response, static r => Result(r))
            : Result(response);
    }

    // A decision one policy determined with nothing failing comes as that policy's shared response; its result is made
    // once per response, and lives as long as the response (and so its policy set) does.
    private static readonly ConditionalWeakTable<AuthorizationResponse, DecisionResult> SoleResults = [];

    private static DecisionResult Result(AuthorizationResponse response) =>
        new(response.Decision == Decision.Allow, response.Reasons, Errors(response.Errors));

    /// <summary>
    /// The request resolved against <paramref name="entities"/>, with its subject and resource properties laid over
    /// their stored attributes (or standing alone for an entity that is not stored, such as one about to be created).
    /// </summary>
    internal static PreparedRequest Prepare(DecisionRequest request, EntityStore entities) =>
        new(
            new Request(request.Principal, request.Action, request.Resource, request.Context),
            entities,
            Overlay(request.Principal, request.PrincipalProperties, entities, null),
            Overlay(request.Resource, request.ResourceProperties, entities, request.Principal.Equals(request.Resource) ? request.PrincipalProperties : null));

    /// <summary>The stored entity with request properties laid over its attributes, or null when nothing is sent.</summary>
    private static Entity? Overlay(EntityUid uid, RecordValue? properties, EntityStore entities, RecordValue? first)
    {
        if ((properties is null || properties.Count == 0) && (first is null || first.Count == 0))
        {
            return null;
        }

        entities.TryGet(uid, out var stored);
        var attributes = new Dictionary<string, CedarValue>(stored?.Attributes ?? new Dictionary<string, CedarValue>(), StringComparer.Ordinal);
        foreach (var layer in (ReadOnlySpan<RecordValue?>)[first, properties])
        {
            if (layer is null)
            {
                continue;
            }

            foreach (var (name, value) in layer.Fields)
            {
                attributes[name] = value;
            }
        }

        return new Entity(uid, attributes, stored?.Parents, stored?.Tags);
    }

    private static IReadOnlyList<DecisionError> Errors(IReadOnlyList<PolicyError> errors)
    {
        if (errors.Count == 0)
        {
            return [];
        }

        var result = new DecisionError[errors.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new DecisionError(errors[i].PolicyId, errors[i].Message);
        }

        return result;
    }

    /// <summary>Why an identity that may not act now is out of standing, in one word: suspended, deactivated or expired.</summary>
    public static string Describe(Identity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.Status == IdentityStatus.Active ? "expired" : identity.Status.ToString().ToLowerInvariant();
    }
}
