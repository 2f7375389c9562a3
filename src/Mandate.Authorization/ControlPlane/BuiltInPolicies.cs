using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;

namespace Mandate.Authorization.ControlPlane;

/// <summary>
/// The default control-plane policies: what any identity may do to the control plane without an operator policy.
/// Operators add permits and forbids for <c>Mandate::Action</c> actions with ordinary stored policies; a forbid
/// always wins. The ids start with <c>mandate/</c>, which stored policy ids cannot.
/// </summary>
public static class BuiltInPolicies
{
    /// <summary>The policies, id to Cedar text; the id says what each allows.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Texts =
    [
        new("mandate/create-sub-identity", """
            permit (principal, action == Mandate::Action::"create_identity", resource)
            when {
              resource has parent && resource.parent == principal && resource has owner &&
              (resource.owner == principal || (principal has owner && resource.owner == principal.owner))
            };
            """),
        new("mandate/add-credential-to-self-or-sub-identity", """
            permit (principal, action == Mandate::Action::"add_credential", resource)
            when { resource == principal || (resource has parent && resource.parent == principal) };
            """),
        new("mandate/human-adds-credential-to-owned-identity", """
            permit (principal is Human, action == Mandate::Action::"add_credential", resource)
            when { resource has owner && resource.owner == principal };
            """),
        new("mandate/grant-what-you-hold", """
            permit (principal, action == Mandate::Action::"grant", resource)
            when {
              principal in resource &&
              (context.member == principal ||
               (context.member has parent && context.member.parent == principal) ||
               (context.member has owner && context.member.owner == principal))
            };
            """),
        new("mandate/delegate-to-named-actor", """
            permit (principal, action == Mandate::Action::"delegate", resource)
            when { context.named_in_may_act };
            """),
        new("mandate/delegate-to-sub-identity", """
            permit (principal, action == Mandate::Action::"delegate", resource)
            when { resource has parent && resource.parent == principal };
            """),
        new("mandate/human-delegates-to-owned-identity", """
            permit (principal is Human, action == Mandate::Action::"delegate", resource)
            when { resource has owner && resource.owner == principal };
            """),
        new("mandate/transaction-for-own-token", """
            permit (principal, action == Mandate::Action::"issue_transaction_token", resource)
            when { context.client_is_holder };
            """),
    ];

    /// <summary>The policies, parsed once.</summary>
    public static IReadOnlyList<Policy> Policies { get; } = [.. Texts.Select(t => CedarParser.ParsePolicy(t.Value, t.Key))];
}
