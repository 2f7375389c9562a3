using Mandate.Core.Credentials;
using Mandate.Core.Identities;

namespace Mandate.Core.Storage;

/// <summary>Stored identities.</summary>
public interface IIdentityStore
{
    /// <summary>Creates an identity together with its first credentials, all or nothing.</summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when the id (or a credential id) exists.</exception>
    Task<Identity> CreateAsync(Identity identity, IReadOnlyList<Credential> credentials, CancellationToken cancellationToken = default);

    /// <summary>Reads one identity, or null.</summary>
    Task<Identity?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists identities matching <paramref name="query"/> in id order.</summary>
    Task<Page<Identity>> ListAsync(IdentityQuery query, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Replaces an identity whose stored version equals <c>identity.Version</c>; returns it with the new version.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> or <c>version_conflict</c>.</exception>
    Task<Identity> UpdateAsync(Identity identity, CancellationToken cancellationToken = default);

    /// <summary>Records a successful authentication time without bumping the version or raising a state change.</summary>
    Task TouchAsync(string id, DateTimeOffset usedAt, CancellationToken cancellationToken = default);

    /// <summary>Streams every identity, for building snapshots.</summary>
    IAsyncEnumerable<Identity> ScanAsync(CancellationToken cancellationToken = default);
}
