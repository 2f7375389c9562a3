namespace Mandate.Core.Credentials;

/// <summary>Lifecycle state of a credential.</summary>
public enum CredentialStatus
{
    /// <summary>Usable until it expires.</summary>
    Active,

    /// <summary>Withdrawn; never usable again.</summary>
    Revoked,
}
