using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Core.Administration;

/// <summary>Adds, issues and revokes credentials, recording each change as an event.</summary>
public sealed class CredentialRegistry(IMandateStore store, IEventSink events, TimeProvider time)
{
    /// <summary>Adds a credential with caller-supplied public material to an identity.</summary>
    public async Task<Credential> AddAsync(string identityId, NewCredential request, AuditContext audit, CancellationToken cancellationToken = default)
    {
        await RequireUsableIdentityAsync(identityId, cancellationToken);
        var now = time.GetUtcNow();
        var credential = await store.Credentials.AddAsync(Build(identityId, request, now), cancellationToken);
        events.Emit(AddedEvent(audit, now, credential));
        return credential;
    }

    /// <summary>Issues a new API key; the returned secret is shown once and never stored.</summary>
    public async Task<(Credential Credential, string Secret)> IssueApiKeyAsync(
        string identityId, string? description, DateTimeOffset? expiresAt, AuditContext audit, CancellationToken cancellationToken = default)
    {
        var (secret, material) = ApiKeySecret.Generate();
        var credential = await AddAsync(identityId, new NewCredential(material, description, expiresAt), audit, cancellationToken);
        return (credential, secret);
    }

    /// <summary>Longest overlap a rotation may leave the old API key usable.</summary>
    public static readonly TimeSpan MaxRotationOverlap = TimeSpan.FromDays(30);

    /// <summary>
    /// Rotates an API key: issues a successor (its secret is returned once) and leaves the old key usable only for
    /// <paramref name="overlap"/>, so deployments can switch without an outage. The old key's expiry is shortened
    /// before the successor exists, so a failure never leaves two unlimited keys.
    /// </summary>
    public async Task<(Credential Successor, Credential Retiring, string Secret)> RotateApiKeyAsync(
        string credentialId, TimeSpan overlap, AuditContext audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        if (overlap < TimeSpan.Zero || overlap > MaxRotationOverlap)
        {
            throw MandateException.Invalid("overlap_seconds", $"the overlap must be 0 seconds to {MaxRotationOverlap.TotalDays} days");
        }

        var current = await store.Credentials.GetAsync(credentialId, cancellationToken)
            ?? throw MandateException.NotFound("credential", credentialId);
        var now = time.GetUtcNow();
        if (current.Material is not ApiKeyMaterial)
        {
            throw new MandateException(ErrorCode.Conflict,
                $"credential `{credentialId}` is a {current.Kind} credential; only API keys rotate here (add a new key, then revoke the old one)");
        }

        if (!current.IsUsable(now))
        {
            throw new MandateException(ErrorCode.Conflict, $"credential `{credentialId}` is revoked or expired; issue a new API key instead");
        }

        await RequireUsableIdentityAsync(current.IdentityId, cancellationToken);
        var retireAt = now + overlap;
        var retiring = current.ExpiresAt is { } expires && expires <= retireAt
            ? current
            : await store.Credentials.UpdateAsync(current with { ExpiresAt = retireAt }, cancellationToken);
        var (secret, material) = ApiKeySecret.Generate();
        var successor = await store.Credentials.AddAsync(
            Build(current.IdentityId, new NewCredential(material, current.Description, current.ExpiresAt), now) with { RotatedAt = now }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "credential.rotated", EventOutcome.Success, "Credential", successor.Id,
            $"API key `{current.Id}` of `{current.IdentityId}` rotated to `{successor.Id}`; the old key works until {retiring.ExpiresAt:O}"));
        return (successor, retiring, secret);
    }

    /// <summary>Revokes a credential for good; revoking a revoked credential changes nothing.</summary>
    public async Task<Credential> RevokeAsync(string credentialId, string? reason, AuditContext audit, CancellationToken cancellationToken = default)
    {
        // Checked before anything is stored: a reason refused after the revocation would leave it unrecorded for good.
        var suffix = InputRules.OptionalText(reason, "reason", InputRules.MaxDescription) is { Length: > 0 } text ? ": " + text : string.Empty;
        var current = await store.Credentials.GetAsync(credentialId, cancellationToken)
            ?? throw MandateException.NotFound("credential", credentialId);
        if (current.Status == CredentialStatus.Revoked)
        {
            return current;
        }

        var now = time.GetUtcNow();
        var revoked = await store.Credentials.UpdateAsync(
            current with { Status = CredentialStatus.Revoked, RevokedAt = now }, cancellationToken);
        events.Emit(audit.ToEvent(now, EventCategory.AccountChange, "credential.revoked", EventOutcome.Success,
            "Credential", revoked.Id, $"credential of `{revoked.IdentityId}` revoked{suffix}"));
        return revoked;
    }

    internal static Credential Build(string identityId, NewCredential request, DateTimeOffset now)
    {
        Validate(request.Material);
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw MandateException.Invalid("expires_at", "expires_at must be in the future");
        }

        return new Credential
        {
            Id = MandateId.New("crd"),
            IdentityId = identityId,
            Material = request.Material,
            Description = InputRules.OptionalText(request.Description, "description", InputRules.MaxDescription),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
    }

    internal static MandateEvent AddedEvent(AuditContext audit, DateTimeOffset now, Credential credential) =>
        audit.ToEvent(now, EventCategory.AccountChange, "credential.added", EventOutcome.Success, "Credential", credential.Id,
            $"{credential.Kind} credential added to `{credential.IdentityId}`");

    private async Task RequireUsableIdentityAsync(string identityId, CancellationToken cancellationToken)
    {
        var identity = await store.Identities.GetAsync(identityId, cancellationToken)
            ?? throw MandateException.NotFound("identity", identityId);
        if (identity.Status == IdentityStatus.Deactivated)
        {
            throw new MandateException(ErrorCode.Conflict, $"identity `{identityId}` is deactivated; it cannot get new credentials");
        }
    }

    private static void Validate(CredentialMaterial material)
    {
        switch (material)
        {
            case PublicKeyMaterial key when string.IsNullOrEmpty(key.Jwk) || string.IsNullOrEmpty(key.Thumbprint):
                throw MandateException.Invalid("jwk", "a public key credential needs a JWK");
            case FederatedTrustMaterial trust:
                ValidateTrust(trust);
                break;
            case JwksUriMaterial jwks when jwks.Uri.Length is 0 or > 2048:
                throw MandateException.Invalid("jwks_uri", "`jwks_uri` must be a URL of at most 2048 characters");
            case CertificateThumbprintMaterial cert when cert.Thumbprint.Length != 64 || !cert.Thumbprint.All(char.IsAsciiHexDigitLower):
                throw MandateException.Invalid("thumbprint", "thumbprint must be the lower-case hex SHA-256 of the certificate (64 characters)");
            default:
                break;
        }
    }

    private static void ValidateTrust(FederatedTrustMaterial trust)
    {
        if (!Uri.TryCreate(trust.Issuer, UriKind.Absolute, out var issuer)
            || (issuer.Scheme != Uri.UriSchemeHttps && !(issuer.Scheme == Uri.UriSchemeHttp && issuer.IsLoopback)))
        {
            throw MandateException.Invalid("issuer", $"issuer `{InputRules.Truncate(trust.Issuer)}` must be an https URL");
        }

        // A trust without a real subject condition would let every workload of that issuer in.
        if (string.IsNullOrWhiteSpace(trust.SubjectPattern) || trust.SubjectPattern.All(c => c == '*'))
        {
            throw MandateException.Invalid("subject", "a federated trust needs a subject condition that is not only wildcards");
        }

        InputRules.OptionalText(trust.SubjectPattern, "subject", 512);
        InputRules.OptionalText(trust.Audience, "audience", 512);
        InputRules.OptionalText(trust.JwksUri, "jwks_uri", 2048);
        if (trust.Jwks is { Length: > 64 * 1024 })
        {
            throw MandateException.Invalid("jwks", "`jwks` is larger than 64 KiB");
        }
    }
}
