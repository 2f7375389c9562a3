using Mandate.Core.Identities;

namespace Mandate.Core.Registration;

/// <summary>
/// An initial access token for RFC 7591 dynamic client registration, as stored: only the SHA-256 of the token,
/// the accountable owner every client it registers gets, the kind of identity it creates, its expiry and its uses.
/// </summary>
public sealed record RegistrationToken
{
    /// <summary>Stable id (derived from the hash; safe to show).</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 of the token, base64url.</summary>
    public required string Hash { get; init; }

    /// <summary>The human owner of every identity registered with this token.</summary>
    public required string Owner { get; init; }

    /// <summary>The kind of identity registered (agent, service account or workload).</summary>
    public required IdentityKind Kind { get; init; }

    /// <summary>Note from the admin who issued it.</summary>
    public string? Description { get; init; }

    /// <summary>Who issued it.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When it was issued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it stops working.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>How many registrations it allows in total.</summary>
    public required int MaxUses { get; init; }

    /// <summary>How many registrations it has made.</summary>
    public int Uses { get; init; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether it may register a client at <paramref name="now"/>.</summary>
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now && Uses < MaxUses;
}
