using Mandate.Core.Delegations;

namespace Mandate.Server.Admin.Contracts;

/// <summary>A node of the delegation graph and whether it (or anything above it) stopped it.</summary>
/// <param name="Node">The recorded node.</param>
/// <param name="Revoked">Whether this token itself was revoked.</param>
/// <param name="Standing">Null while the token and everything upstream of it stand; otherwise why they do not.</param>
public sealed record DelegationResponse(DelegationNode Node, bool Revoked, string? Standing = null);

/// <summary>The answer to a revocation by token id.</summary>
/// <param name="TokenId">The revoked token.</param>
/// <param name="Revoked">True when this call revoked it; false when it already was.</param>
public sealed record TokenRevocationResponse(string TokenId, bool Revoked);
