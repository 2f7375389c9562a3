using Mandate.Authorization;
using Mandate.Tokens.Revocation;

namespace Mandate.Server.OAuth;

/// <summary>Identity and credential standing from the current authorization snapshot: the kill switch reaches tokens with no database read.</summary>
internal sealed class SnapshotIdentityStatus(SnapshotSource snapshots, TimeProvider time) : IIdentityStatus
{
    public bool IsActive(string identityId) =>
        snapshots.Current.Identities.TryGetValue(identityId, out var identity) && identity.IsEffective(time.GetUtcNow());

    public bool IsCredentialRevoked(string credentialId) => snapshots.Current.RevokedCredentials.Contains(credentialId);
}
