using Mandate.Core.Identities;

namespace Mandate.Core.Storage;

/// <summary>Unmanaged principals seen in imported telemetry, one per source and external id.</summary>
public interface IDiscoveredIdentityStore
{
    /// <summary>
    /// Records sightings in one transaction: new principals are added, known ones get their last-seen time, last action
    /// and event count brought forward (first seen only ever moves earlier).
    /// </summary>
    Task RecordAsync(IReadOnlyList<DiscoveredIdentity> sightings, CancellationToken cancellationToken = default);

    /// <summary>Lists discovered identities, of one source when given, ordered by source and external id.</summary>
    Task<Page<DiscoveredIdentity>> ListAsync(string? source, PageRequest page, CancellationToken cancellationToken = default);
}
