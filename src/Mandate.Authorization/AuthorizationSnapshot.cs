using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Core.Identities;

namespace Mandate.Authorization;

/// <summary>An immutable view of everything a decision needs; replaced whole when the store changes.</summary>
/// <param name="Generation">Increases with every rebuild.</param>
/// <param name="Policies">Enabled policies, compiled.</param>
/// <param name="Entities">The entity graph with ancestors precomputed.</param>
/// <param name="Identities">Identities by id, for status checks and audit.</param>
public sealed record AuthorizationSnapshot(
    long Generation, PolicySet Policies, EntityStore Entities, IReadOnlyDictionary<string, Identity> Identities)
{
    /// <summary>Ids of revoked credentials: tokens they obtained, and tokens exchanged from those, are refused.</summary>
    public IReadOnlySet<string> RevokedCredentials { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The snapshot before the first build: no policies, no entities, so everything is denied.</summary>
    public static AuthorizationSnapshot Empty { get; } =
        new(0, PolicySet.Empty, EntityStore.Empty, new Dictionary<string, Identity>(StringComparer.Ordinal));
}
