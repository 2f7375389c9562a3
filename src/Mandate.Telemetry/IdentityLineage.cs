using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Telemetry;

/// <summary>The sub-agents of an identity: every identity whose <c>parent</c> chain leads back to it.</summary>
public static class IdentityLineage
{
    /// <summary>Most descendants an event query follows.</summary>
    public const int MaxDescendants = 10_000;

    /// <summary>Every descendant of <paramref name="id"/> (not the identity itself), breadth first.</summary>
    /// <exception cref="MandateException"><c>invalid_argument</c> when there are more than <see cref="MaxDescendants"/>.</exception>
    public static async Task<IReadOnlyList<string>> DescendantsAsync(IIdentityStore identities, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identities);
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        var frontier = new Queue<string>([id]);
        while (frontier.TryDequeue(out var parent))
        {
            string? cursor = null;
            do
            {
                var page = await identities.ListAsync(new IdentityQuery { Parent = parent }, new PageRequest(PageRequest.MaxLimit, cursor), cancellationToken);
                foreach (var child in page.Items)
                {
                    if (seen.Add(child.Id))
                    {
                        found.Add(child.Id);
                        frontier.Enqueue(child.Id);
                    }
                }

                if (found.Count > MaxDescendants)
                {
                    throw MandateException.Invalid("include_descendants", $"`{id}` has more than {MaxDescendants} descendants; query them in parts");
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        return found;
    }
}
