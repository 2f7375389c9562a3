namespace Mandate.Tokens.Revocation;

/// <summary>
/// The standing of identities and credentials, answered from the host's in-memory snapshot (never the database):
/// the kill switch and credential revocation reach live tokens through it.
/// </summary>
public interface IIdentityStatus
{
    /// <summary>Whether the identity exists and may act now (not suspended, deactivated or expired).</summary>
    bool IsActive(string identityId);

    /// <summary>Whether the credential was revoked.</summary>
    bool IsCredentialRevoked(string credentialId);
}
