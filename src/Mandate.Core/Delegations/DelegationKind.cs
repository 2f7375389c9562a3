namespace Mandate.Core.Delegations;

/// <summary>How a token in the delegation graph came to be.</summary>
public enum DelegationKind
{
    /// <summary>A token issued directly to its subject (client credentials), recorded once it became a parent.</summary>
    Root,

    /// <summary>A token exchanged for an actor acting on behalf of the subject (RFC 8693 delegation, a new <c>act</c> hop).</summary>
    Delegation,

    /// <summary>A narrower copy of a token, obtained by its current holder without a new actor.</summary>
    Narrowing,

    /// <summary>A token exchanged by a client that speaks as the subject without an <c>act</c> claim (impersonation).</summary>
    Impersonation,
}
