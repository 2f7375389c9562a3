using Mandate.Core.Credentials;

namespace Mandate.Core.Storage;

/// <summary>Stored credentials.</summary>
public interface ICredentialStore
{
    /// <summary>Adds a credential to an existing identity.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> for an unknown identity, <c>conflict</c> for a duplicate id.</exception>
    Task<Credential> AddAsync(Credential credential, CancellationToken cancellationToken = default);

    /// <summary>Reads one credential, or null.</summary>
    Task<Credential?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists credentials, optionally of one identity and kind, in id order.</summary>
    Task<Page<Credential>> ListAsync(string? identityId, CredentialKind? kind, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Every credential of an identity (any status), for authentication.</summary>
    Task<IReadOnlyList<Credential>> ListForIdentityAsync(string identityId, CancellationToken cancellationToken = default);

    /// <summary>Finds the API key credential with this prefix, or null.</summary>
    Task<Credential?> FindApiKeyAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Replaces a credential whose stored version equals <c>credential.Version</c>; returns it with the new version.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> or <c>version_conflict</c>.</exception>
    Task<Credential> UpdateAsync(Credential credential, CancellationToken cancellationToken = default);

    /// <summary>Records a use time without bumping the version or raising a state change.</summary>
    Task TouchAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default);
}
