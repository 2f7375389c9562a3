namespace Mandate.Tokens.Delegation;

/// <summary>
/// Decides the control-plane questions of token exchange (delegating, impersonating, issuing transaction tokens);
/// the host answers them with its Cedar policies. Narrowing (scope, details, audience, lifetime) is enforced by
/// the grants themselves and never depends on policy.
/// </summary>
public interface IDelegationPolicy
{
    /// <summary>Allows or refuses; a refusal says why in words a caller can act on.</summary>
    DelegationVerdict Decide(DelegationQuestion question);
}

/// <summary>The control-plane actions of token exchange.</summary>
public enum DelegationAction
{
    /// <summary>The holder of a token lets another identity act with it (a new <c>act</c> hop).</summary>
    Delegate,

    /// <summary>A client obtains a token that speaks as its subject, without an <c>act</c> claim.</summary>
    Impersonate,

    /// <summary>A client obtains a transaction token for a transaction started with an access token.</summary>
    IssueTransactionToken,
}

/// <summary>One question for the policy.</summary>
/// <param name="Action">What is asked.</param>
/// <param name="PrincipalId">Who does it: the token's holder when delegating, else the client.</param>
/// <param name="ResourceId">To or for whom: the new actor when delegating, else the token's subject.</param>
/// <param name="NamedInMayAct">Whether the token's <c>may_act</c> names the new actor.</param>
/// <param name="ClientIsHolder">Whether the client already holds the token it presents.</param>
/// <param name="Depth">The length of the <c>act</c> chain the new token would carry.</param>
/// <param name="Scope">The scope the new token would carry, if any.</param>
public sealed record DelegationQuestion(
    DelegationAction Action, string PrincipalId, string ResourceId, bool NamedInMayAct, bool ClientIsHolder, int Depth, string? Scope);

/// <summary>The policy's answer.</summary>
/// <param name="Allowed">Whether the action may go ahead.</param>
/// <param name="Reason">Why not (or which policies allowed it).</param>
public readonly record struct DelegationVerdict(bool Allowed, string Reason);
