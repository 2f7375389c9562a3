using Mandate.Authorization.ControlPlane;
using Mandate.Cedar.Values;
using Mandate.Tokens.Delegation;

namespace Mandate.Server.OAuth;

/// <summary>Answers token exchange's control-plane questions with the control-plane Cedar policies.</summary>
internal sealed class CedarDelegationPolicy(ControlPlaneAuthorizer authorizer) : IDelegationPolicy
{
    public DelegationVerdict Decide(DelegationQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (authorizer.IdentityEntity(question.ResourceId) is not { } resource)
        {
            return new DelegationVerdict(false, $"`{question.ResourceId}` is not an identity");
        }

        var action = question.Action switch
        {
            DelegationAction.Delegate => ControlPlaneActions.Delegate,
            DelegationAction.Impersonate => ControlPlaneActions.Impersonate,
            _ => ControlPlaneActions.IssueTransactionToken,
        };
        var context = new Dictionary<string, CedarValue>(StringComparer.Ordinal)
        {
            ["named_in_may_act"] = BoolValue.Of(question.NamedInMayAct),
            ["client_is_holder"] = BoolValue.Of(question.ClientIsHolder),
            ["depth"] = new LongValue(question.Depth),
        };
        if (question.Scope is not null)
        {
            context["scope"] = new StringValue(question.Scope);
        }

        var decision = authorizer.Authorize(action, question.PrincipalId, resource, context);
        return new DelegationVerdict(decision.Allowed, decision.Reason);
    }
}
