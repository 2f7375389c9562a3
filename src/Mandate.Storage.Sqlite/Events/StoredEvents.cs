using System.Collections;
using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// The events of an append as stored, with their sequence numbers, built only when read: most appends come from
/// producers that never look at them, so a million-event stream need not copy a million records.
/// </summary>
internal sealed class StoredEvents(IReadOnlyList<MandateEvent> events, long firstSequence) : IReadOnlyList<MandateEvent>
{
    public int Count => events.Count;

    public MandateEvent this[int index] => events[index] with { Sequence = firstSequence + index };

    public IEnumerator<MandateEvent> GetEnumerator()
    {
        for (var i = 0; i < events.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
