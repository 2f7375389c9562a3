using Mandate.Core.Events;

namespace Mandate.Core.Storage;

/// <summary>The append-only event stream.</summary>
public interface IEventStore
{
    /// <summary>Appends a batch durably in one transaction, assigning consecutive sequence numbers; returns the stored events.</summary>
    Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends events already encoded durably in one transaction, assigning consecutive sequence numbers in their order,
    /// and returns the first one's (0 for an empty batch). The caller keeps <paramref name="events"/> and must not
    /// change it until the task completes.
    /// </summary>
    /// <exception cref="Errors.MandateException">Two events of the batch share an id (<see cref="Errors.ErrorCode.Conflict"/>).</exception>
    Task<long> AppendAsync(EncodedEvents events, CancellationToken cancellationToken = default);

    /// <summary>Reads events matching <paramref name="query"/> in sequence order, at most <paramref name="limit"/>; the cursor is the last sequence read.</summary>
    Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default);
}
