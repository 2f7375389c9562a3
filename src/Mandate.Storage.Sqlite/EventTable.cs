using System.Globalization;
using System.Text;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

internal sealed class EventTable(SqliteDatabase db) : IEventStore
{
    private const string Columns =
        "e.sequence, e.id, e.time, e.category, e.type, e.outcome, e.actor_id, e.actor_kind, e.chain, e.action, e.resource_type, e.resource_id, " +
        "e.policies, e.token_id, e.source_ip, e.user_agent, e.request_id, e.message";

    private static readonly string[] ParameterNames =
    [
        "$sequence", "$id", "$time", "$category", "$type", "$outcome", "$actor", "$actorKind", "$chain", "$action", "$resourceType",
        "$resourceId", "$policies", "$token", "$ip", "$agent", "$request", "$message",
    ];

    public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MandateEvent>>([]);
        }

        return db.WriteAsync<IReadOnlyList<MandateEvent>>(async (connection, transaction) =>
        {
            long next;
            await using (var max = connection.Command(transaction, "SELECT COALESCE(MAX(sequence), 0) FROM events"))
            {
                next = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }

            // One prepared statement per table, rebound for every row.
            await using var insert = connection.Command(transaction,
                $"INSERT INTO events ({Columns.Replace("e.", string.Empty, StringComparison.Ordinal)}) VALUES ({string.Join(", ", ParameterNames)})");
            var parameters = ParameterNames.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
            await using var index = connection.Command(transaction,
                "INSERT OR IGNORE INTO event_identities (identity_id, time, sequence) VALUES ($identity, $time, $sequence)");
            var identity = index.Parameters.Add("$identity", SqliteType.Text);
            var indexTime = index.Parameters.Add("$time", SqliteType.Integer);
            var indexSequence = index.Parameters.Add("$sequence", SqliteType.Integer);

            var stored = new MandateEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var evt = events[i] with { Sequence = ++next };
                stored[i] = evt;
                Bind(parameters, evt);
                await insert.ExecuteNonQueryAsync(cancellationToken);

                indexTime.Value = evt.Time.UtcTicks;
                indexSequence.Value = evt.Sequence;
                foreach (var concerned in Concerned(evt))
                {
                    identity.Value = concerned;
                    await index.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            return stored;
        }, cancellationToken);
    }

    public Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default)
    {
        var sql = new StringBuilder("SELECT ").Append(Columns);
        var parameters = new List<(string, object?)>
        {
            ("$after", query.AfterSequence),
            ("$limit", limit + 1),
        };
        if (query.IdentityId is not null)
        {
            // Range scan on (identity, time), then sequence order.
            sql.Append(" FROM event_identities i JOIN events e ON e.sequence = i.sequence WHERE i.identity_id = $identity AND i.sequence > $after");
            parameters.Add(("$identity", query.IdentityId));
            AppendTime(sql, parameters, query, "i.time");
        }
        else
        {
            sql.Append(" FROM events e WHERE e.sequence > $after");
            AppendTime(sql, parameters, query, "e.time");
        }

        if (query.Type is not null)
        {
            sql.Append(@" AND (e.type = $type OR e.type LIKE $typePrefix ESCAPE '\')");
            parameters.Add(("$type", query.Type));
            parameters.Add(("$typePrefix", Sql.LikeLiteral(query.Type) + ".%"));
        }

        if (query.Outcome is not null)
        {
            sql.Append(" AND e.outcome = $outcome");
            parameters.Add(("$outcome", query.Outcome.ToString()));
        }

        sql.Append(" ORDER BY e.sequence LIMIT $limit");
        return db.ReadAsync(async connection =>
        {
            await using var command = connection.Command(null, sql.ToString(), [.. parameters]);
            var rows = await command.ListAsync(Map, cancellationToken);
            if (rows.Count <= limit)
            {
                return new Page<MandateEvent>(rows, null);
            }

            rows.RemoveAt(rows.Count - 1);
            return new Page<MandateEvent>(rows, rows[^1].Sequence.ToString(CultureInfo.InvariantCulture));
        }, cancellationToken);
    }

    private static void AppendTime(StringBuilder sql, List<(string, object?)> parameters, EventQuery query, string column)
    {
        if (query.From is { } from)
        {
            sql.Append(" AND ").Append(column).Append(" >= $from");
            parameters.Add(("$from", from.UtcTicks));
        }

        if (query.To is { } to)
        {
            sql.Append(" AND ").Append(column).Append(" < $to");
            parameters.Add(("$to", to.UtcTicks));
        }
    }

    private static IEnumerable<string> Concerned(MandateEvent evt) =>
        (evt.ActorId is null ? evt.Chain : evt.Chain.Prepend(evt.ActorId)).Distinct(StringComparer.Ordinal);

    private static void Bind(SqliteParameter[] p, MandateEvent e)
    {
        p[0].Value = e.Sequence;
        p[1].Value = e.Id;
        p[2].Value = e.Time.UtcTicks;
        p[3].Value = e.Category.ToString();
        p[4].Value = e.Type;
        p[5].Value = e.Outcome.ToString();
        p[6].Value = (object?)e.ActorId ?? DBNull.Value;
        p[7].Value = (object?)e.ActorKind ?? DBNull.Value;
        p[8].Value = e.Chain.Count == 0 ? DBNull.Value : StoreJson.Write(e.Chain);
        p[9].Value = (object?)e.Action ?? DBNull.Value;
        p[10].Value = (object?)e.ResourceType ?? DBNull.Value;
        p[11].Value = (object?)e.ResourceId ?? DBNull.Value;
        p[12].Value = e.Policies.Count == 0 ? DBNull.Value : StoreJson.Write(e.Policies);
        p[13].Value = (object?)e.TokenId ?? DBNull.Value;
        p[14].Value = (object?)e.SourceIp ?? DBNull.Value;
        p[15].Value = (object?)e.UserAgent ?? DBNull.Value;
        p[16].Value = (object?)e.RequestId ?? DBNull.Value;
        p[17].Value = (object?)e.Message ?? DBNull.Value;
    }

    private static MandateEvent Map(SqliteDataReader r) => new()
    {
        Sequence = r.GetInt64(0),
        Id = r.GetString(1),
        Time = r.Time(2),
        Category = Enum.Parse<EventCategory>(r.GetString(3)),
        Type = r.GetString(4),
        Outcome = Enum.Parse<EventOutcome>(r.GetString(5)),
        ActorId = r.OptionalString(6),
        ActorKind = r.OptionalString(7),
        Chain = r.IsDBNull(8) ? [] : StoreJson.Read<string[]>(r.GetString(8)),
        Action = r.OptionalString(9),
        ResourceType = r.OptionalString(10),
        ResourceId = r.OptionalString(11),
        Policies = r.IsDBNull(12) ? [] : StoreJson.Read<string[]>(r.GetString(12)),
        TokenId = r.OptionalString(13),
        SourceIp = r.OptionalString(14),
        UserAgent = r.OptionalString(15),
        RequestId = r.OptionalString(16),
        Message = r.OptionalString(17),
    };
}
