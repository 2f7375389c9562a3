using System.Globalization;
using System.Text;
using Mandate.Core.Events;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// Builds an event query. With an identity it walks that identity's slice of <c>event_identities</c> in sequence
/// order (the actor and every chain member are indexed), so one identity's history never scans the whole stream.
/// </summary>
internal static class EventFilter
{
    public static string Sql(EventQuery query, int limit, List<(string, object?)> parameters)
    {
        var sql = new StringBuilder();
        var columns = "e." + EventRows.Columns.Replace(", ", ", e.", StringComparison.Ordinal);
        if (query.IdentityId is { } identityId)
        {
            sql.Append(CultureInfo.InvariantCulture, $"SELECT {columns} FROM event_identities x JOIN events e ON e.sequence = x.sequence ")
                .Append("WHERE x.identity_id = $identity AND x.sequence > $after");
            parameters.Add(("$identity", identityId));
        }
        else
        {
            sql.Append(CultureInfo.InvariantCulture, $"SELECT {columns} FROM events e WHERE e.sequence > $after");
        }

        parameters.Add(("$after", query.AfterSequence));
        if (query.Type is { } type)
        {
            // substr, not LIKE: type matching is exact and case-sensitive, and needs no wildcard escaping.
            sql.Append(" AND (e.type = $type OR substr(e.type, 1, length($type) + 1) = $type || '.')");
            parameters.Add(("$type", type));
        }

        if (query.Outcome is { } outcome)
        {
            sql.Append(" AND e.outcome = $outcome");
            parameters.Add(("$outcome", outcome.ToString()));
        }

        if (query.From is { } from)
        {
            sql.Append(" AND e.time >= $from");
            parameters.Add(("$from", from.ToStored()));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND e.time < $to");
            parameters.Add(("$to", to.ToStored()));
        }

        sql.Append(" ORDER BY e.sequence LIMIT $limit");
        parameters.Add(("$limit", limit + 1));
        return sql.ToString();
    }
}
