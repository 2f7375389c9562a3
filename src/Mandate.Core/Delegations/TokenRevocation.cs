namespace Mandate.Core.Delegations;

/// <summary>A revoked token: refused from <see cref="RevokedAt"/> on, together with everything derived from it.</summary>
/// <param name="TokenId">The revoked token's <c>jti</c>.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="ExpiresAt">When the token would have expired anyway; the record can be forgotten after that.</param>
/// <param name="RevokedBy">Who revoked it (a client id, or <c>admin</c>).</param>
/// <param name="Reason">Why, if given.</param>
public sealed record TokenRevocation(string TokenId, DateTimeOffset RevokedAt, DateTimeOffset ExpiresAt, string RevokedBy, string? Reason = null);
