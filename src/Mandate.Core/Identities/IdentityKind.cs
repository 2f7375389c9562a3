namespace Mandate.Core.Identities;

/// <summary>What kind of actor an identity is. Every kind but <see cref="Human"/> must have an accountable human owner.</summary>
public enum IdentityKind
{
    /// <summary>A person.</summary>
    Human,

    /// <summary>An AI agent, possibly created by another agent or a person.</summary>
    Agent,

    /// <summary>A service account used by an application or automation.</summary>
    ServiceAccount,

    /// <summary>A workload (pod, job, function) proven by platform attestation or federation.</summary>
    Workload,
}
