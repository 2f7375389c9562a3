using Mandate.Core.Events;

namespace Mandate.Core.Storage;

/// <summary>The append-only event stream.</summary>
public interface IEventStore
{
    /// <summary>Appends a batch durably in one transaction, assigning consecutive sequence numbers; returns the stored events.</summary>
    Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Reads events matching <paramref name="query"/> in sequence order, at most <paramref name="limit"/>; the cursor is the last sequence read.</summary>
    Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default);
}
