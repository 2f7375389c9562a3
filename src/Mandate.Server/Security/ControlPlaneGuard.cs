using System.Diagnostics.CodeAnalysis;
using Mandate.Authorization;
using Mandate.Authorization.ControlPlane;
using Mandate.Cedar.Values;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Security;

/// <summary>
/// Decides control-plane actions asked through the admin API by identities (the admin token is the root of trust
/// and passes). A delegated token is the intersection of its chain: the subject and every actor must be allowed,
/// and a token carrying authorization details must list the action in one of them. A refusal is a 403 problem
/// and a security finding.
/// </summary>
internal sealed class ControlPlaneGuard(ControlPlaneAuthorizer authorizer, SnapshotSource snapshots, IEventSink events, TimeProvider time)
{
    /// <summary>The identity calling with a token of its own (not delegated), or null for the admin and delegated tokens.</summary>
    public static string? DirectCaller(HttpContext http) =>
        http.AccessToken() is { Actors.Count: 0 } token ? token.Subject : null;

    /// <summary>Whether the caller is an identity rather than the admin.</summary>
    public static bool IsIdentityCaller(HttpContext http) => !http.User.IsInRole(MandateClaims.AdminRole);

    /// <summary>
    /// What an identity creating an identity means when it leaves <c>parent</c> or <c>owner</c> out: it is the
    /// parent, and the owner is itself (a human) or its own owner.
    /// </summary>
    public (string? Parent, string? Owner) CreationDefaults(HttpContext http, Core.Identities.IdentityKind kind)
    {
        if (DirectCaller(http) is not { } caller || !snapshots.Current.Identities.TryGetValue(caller, out var identity))
        {
            return (null, null);
        }

        return (kind == Core.Identities.IdentityKind.Human ? null : caller, identity.Kind == Core.Identities.IdentityKind.Human ? caller : identity.Owner);
    }

    /// <summary>Throws <c>forbidden</c> unless the caller may do <paramref name="action"/> to <paramref name="resource"/>.</summary>
    public void Require(
        HttpContext http, string action, EntityUid resource, IReadOnlyDictionary<string, CedarValue> context, RecordValue? resourceProperties = null)
    {
        if (http.User.IsInRole(MandateClaims.AdminRole))
        {
            return;
        }

        if (http.AccessToken() is not { } token)
        {
            Refuse(http, action, resource, "only the admin token or a Mandate access token may use the control plane");
            return;
        }

        if (token.AuthorizationDetails is { } details
            && !details.Any(d => d.Permits(ControlPlaneActions.Uid(action), resource, null, time.GetUtcNow())))
        {
            Refuse(http, action, resource,
                $"the token's authorization details do not grant `{ControlPlaneActions.Uid(action)}` on `{resource}`; a narrowed token cannot do more than it was given");
        }

        foreach (var principal in token.Actors.Append(token.Subject))
        {
            var decision = authorizer.Authorize(action, principal, resource, context, resourceProperties);
            if (!decision.Allowed)
            {
                Refuse(http, action, resource, $"`{principal}` may not `{action}` `{resource}`: {decision.Reason}");
            }
        }
    }

    /// <summary>The entity of an existing identity, or null.</summary>
    public EntityUid? Find(string identityId) => authorizer.IdentityEntity(identityId);

    /// <summary>The entity of an existing identity, or <c>not_found</c>.</summary>
    public EntityUid Identity(string identityId) =>
        authorizer.IdentityEntity(identityId) ?? throw MandateException.NotFound("identity", identityId);

    [DoesNotReturn]
    private void Refuse(HttpContext http, string action, EntityUid resource, string reason)
    {
        var audit = http.Audit();
        events.Emit(audit.ToEvent(time.GetUtcNow(), EventCategory.DetectionFinding, "escalation.refused", EventOutcome.Failure,
            resource.EntityType.ToString(), resource.Id, $"control-plane action `{action}` refused: {reason}") with { Action = action });
        throw new MandateException(ErrorCode.Forbidden, reason);
    }
}

/// <summary>
/// Marks an admin API endpoint that identities may call too: its handler asks <see cref="ControlPlaneGuard"/>
/// before it changes anything. Every other admin endpoint stays admin-only.
/// </summary>
internal sealed class ControlPlaneEndpoint
{
    public static readonly ControlPlaneEndpoint Governed = new();

    private ControlPlaneEndpoint()
    {
    }
}
