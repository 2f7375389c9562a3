using System.IO.Hashing;
using System.Runtime.InteropServices;
using Mandate.Core.Errors;
using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Refuses a batch that names an event id twice. Ids are compared by a 64-bit hash in a set reused from batch to
/// batch (hashing and allocating a string set per batch cost more than encoding the events); only when two hashes
/// meet are the ids themselves compared.
/// </summary>
internal sealed class BatchIds
{
    private readonly HashSet<ulong> _hashes = [];

    public void RefuseDuplicates(IReadOnlyList<MandateEvent> events)
    {
        _hashes.Clear();
        for (var i = 0; i < events.Count; i++)
        {
            var id = events[i].Id;
            if (string.IsNullOrEmpty(id))
            {
                throw MandateException.Invalid("id", "every event needs an id");
            }

            if (!_hashes.Add(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()))))
            {
                RefuseExactly(events);
            }
        }
    }

    private static void RefuseExactly(IReadOnlyList<MandateEvent> events)
    {
        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!ids.Add(e.Id))
            {
                throw new MandateException(ErrorCode.Conflict, $"event id `{e.Id}` appears twice in the batch", "id");
            }
        }
    }
}
