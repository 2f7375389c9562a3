namespace Mandate.Core.Identities;

/// <summary>Lifecycle state of an identity. Only active identities obtain tokens or pass decisions.</summary>
public enum IdentityStatus
{
    /// <summary>In use.</summary>
    Active,

    /// <summary>Temporarily stopped (the kill switch); can be resumed.</summary>
    Suspended,

    /// <summary>Offboarded for good; kept for audit.</summary>
    Deactivated,
}
