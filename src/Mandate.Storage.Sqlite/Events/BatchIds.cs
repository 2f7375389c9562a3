using System.IO.Hashing;
using System.Runtime.InteropServices;
using Mandate.Core.Errors;
using Mandate.Core.Events;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Refuses a batch that names an event id twice. Each block encoder hashes its events' ids (64-bit, on the pool
/// thread that already reads the events), and the batch's hashes meet in a set reused by each thread; only when two
/// hashes meet are the ids themselves compared.
/// </summary>
internal static class BatchIds
{
    [ThreadStatic]
    private static HashSet<ulong>? t_hashes;

    /// <summary>The hash of <paramref name="e"/>'s id, refusing an event without one.</summary>
    public static ulong Hash(MandateEvent e)
    {
        var id = e.Id;
        if (string.IsNullOrEmpty(id))
        {
            throw MandateException.Invalid("id", "every event needs an id");
        }

        return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));
    }

    /// <summary>Throws when two of <paramref name="events"/> share an id; <paramref name="blocks"/> hold their hashes, in order.</summary>
    public static void RefuseDuplicates(IReadOnlyList<MandateEvent> events, IReadOnlyList<Task<PreparedBlock>> blocks)
    {
        var hashes = t_hashes ??= [];
        hashes.Clear();
        foreach (var block in blocks)
        {
            foreach (var hash in block.Result.IdHashes)
            {
                if (!hashes.Add(hash))
                {
                    RefuseExactly(events);
                }
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
