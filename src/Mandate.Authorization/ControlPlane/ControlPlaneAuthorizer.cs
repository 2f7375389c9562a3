using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Authorization.ControlPlane;

/// <summary>
/// Decides control-plane actions with Cedar over the current snapshot: the built-in policies plus every stored or
/// bundled policy whose action scope names a <c>Mandate::Action</c>. Policies that leave the action open
/// (<c>action</c> alone) govern the data plane only, so a broad data-plane permit never hands out control.
/// The principal must be an identity in good standing; any failure denies.
/// </summary>
public sealed class ControlPlaneAuthorizer(SnapshotSource snapshots, TimeProvider time)
{
    private CachedPolicies? _cache;

    /// <summary>Decides whether identity <paramref name="principalId"/> may do <paramref name="action"/> to <paramref name="resource"/>.</summary>
    /// <param name="action">One of <see cref="ControlPlaneActions"/>.</param>
    /// <param name="principalId">The acting identity.</param>
    /// <param name="resource">The target entity.</param>
    /// <param name="context">The Cedar context.</param>
    /// <param name="resourceProperties">Attributes of a resource that does not exist yet (an identity being created).</param>
    public ControlPlaneDecision Authorize(
        string action, string principalId, EntityUid resource, IReadOnlyDictionary<string, CedarValue> context, RecordValue? resourceProperties = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var snapshot = snapshots.Current;
        if (!snapshot.Identities.TryGetValue(principalId, out var identity) || !identity.IsEffective(time.GetUtcNow()))
        {
            return new(false, [], $"`{principalId}` is not an active identity");
        }

        var principal = EntityUid.Of(EntityGraph.TypeOf(identity.Kind), identity.Id);
        try
        {
            var request = new DecisionRequest(principal, ControlPlaneActions.Uid(action), resource, new RecordValue(context), null, resourceProperties);
            var response = Authorizer.IsAuthorized(DecisionEngine.Prepare(request, snapshot.Entities), PoliciesOf(snapshot));
            if (response.Decision == Decision.Allow)
            {
                return new(true, response.Reasons, $"allowed by {string.Join(", ", response.Reasons)}");
            }

            return new(false, response.Reasons, response.Reasons.Count > 0
                ? $"forbidden by {string.Join(", ", response.Reasons)}"
                : $"no policy permits `{principal}` to `{action}` `{resource}`");
        }
        catch (Exception ex) when (ex is EvaluationException or ArgumentException or InvalidOperationException)
        {
            return new(false, [], "the control-plane policies could not be evaluated; denied");
        }
    }

    /// <summary>The Cedar entity of an identity in the current snapshot (<c>Agent::"id"</c>, ...), or null when there is none.</summary>
    public EntityUid? IdentityEntity(string identityId) =>
        snapshots.Current.Identities.TryGetValue(identityId, out var identity) ? EntityUid.Of(EntityGraph.TypeOf(identity.Kind), identity.Id) : null;

    private PolicySet PoliciesOf(AuthorizationSnapshot snapshot)
    {
        if (Volatile.Read(ref _cache) is { } cached && ReferenceEquals(cached.Snapshot, snapshot))
        {
            return cached.Policies;
        }

        var policies = new PolicySet(BuiltInPolicies.Policies.Concat(snapshot.Policies.Policies.Where(GovernsControlPlane)));
        Volatile.Write(ref _cache, new CachedPolicies(snapshot, policies));
        return policies;
    }

    private sealed record CachedPolicies(AuthorizationSnapshot Snapshot, PolicySet Policies);

    private static bool GovernsControlPlane(Policy policy) =>
        !policy.Id.StartsWith("mandate/", StringComparison.Ordinal)
        && policy.Action.Entities.Any(e => e.EntityType.ToString() == ControlPlaneActions.EntityType);
}

/// <summary>A control-plane decision.</summary>
/// <param name="Allowed">Whether the action may go ahead.</param>
/// <param name="Policies">The policies that determined it.</param>
/// <param name="Reason">Why, in words a caller can act on.</param>
public sealed record ControlPlaneDecision(bool Allowed, IReadOnlyList<string> Policies, string Reason);
