using System.Runtime.CompilerServices;
using Mandate.Core.Events;

namespace Mandate.Core.Storage;

/// <summary>Reading every event a query matches, a page at a time.</summary>
public static class EventStorePaging
{
    /// <summary>
    /// The pages of events matching <paramref name="query"/>, oldest first, each at most <paramref name="limit"/> long,
    /// following the cursor from <see cref="EventQuery.AfterSequence"/> until the store has no more.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<MandateEvent>> PagesAsync(
        this IEventStore store, EventQuery query, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        while (true)
        {
            var page = await store.QueryAsync(query, limit, cancellationToken).ConfigureAwait(false);
            if (page.Items.Count == 0)
            {
                yield break;
            }

            yield return page.Items;
            if (page.NextCursor is null)
            {
                yield break;
            }

            query = query with { AfterSequence = page.Items[^1].Sequence };
        }
    }
}
