using Mandate.Core.Policies;

namespace Mandate.Core.Storage;

/// <summary>Stored Cedar policy documents.</summary>
public interface IPolicyStore
{
    /// <summary>Creates a policy document.</summary>
    /// <exception cref="Errors.MandateException"><c>conflict</c> when the id exists.</exception>
    Task<PolicyDocument> CreateAsync(PolicyDocument policy, CancellationToken cancellationToken = default);

    /// <summary>Reads one policy document, or null.</summary>
    Task<PolicyDocument?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists policy documents, optionally only enabled or disabled ones, in id order.</summary>
    Task<Page<PolicyDocument>> ListAsync(bool? enabled, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Replaces a policy document whose stored version equals <c>policy.Version</c>.</summary>
    /// <exception cref="Errors.MandateException"><c>not_found</c> or <c>version_conflict</c>.</exception>
    Task<PolicyDocument> UpdateAsync(PolicyDocument policy, CancellationToken cancellationToken = default);

    /// <summary>Deletes a policy document; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Streams every policy document, for building snapshots.</summary>
    IAsyncEnumerable<PolicyDocument> ScanAsync(CancellationToken cancellationToken = default);
}
