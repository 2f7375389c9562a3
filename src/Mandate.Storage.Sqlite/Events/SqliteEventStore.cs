using System.Globalization;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite.Internal;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>The append-only stream; appends never raise a state change.</summary>
internal sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    private const string IndexIdentity = "INSERT OR IGNORE INTO event_identities (identity_id, sequence) VALUES ($identity, $sequence)";

    public Task<IReadOnlyList<MandateEvent>> AppendAsync(IReadOnlyList<MandateEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<MandateEvent>>([]);
        }

        return database.WriteAsync<IReadOnlyList<MandateEvent>>(async session =>
        {
            // One transaction and two prepared commands for the whole batch: rows only rebind values.
            await using var insert = session.Command(EventRows.Insert);
            var parameters = EventRows.InsertParameters.Select(name => insert.Parameters.Add(name, default)).ToArray();
            insert.Prepare();
            await using var index = session.Command(IndexIdentity);
            var identity = index.Parameters.Add("$identity", default);
            var sequence = index.Parameters.Add("$sequence", default);
            index.Prepare();

            var stored = new MandateEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var values = EventRows.Values(events[i]);
                for (var p = 0; p < values.Length; p++)
                {
                    parameters[p].Value = values[p] ?? DBNull.Value;
                }

                var assigned = (long)(await insert.ExecuteScalarAsync(session.CancellationToken))!;
                sequence.Value = assigned;
                foreach (var member in Participants(events[i]))
                {
                    identity.Value = member;
                    await index.ExecuteNonQueryAsync(session.CancellationToken);
                }

                stored[i] = events[i] with { Sequence = assigned };
            }

            return stored;
        }, cancellationToken);
    }

    public Task<Page<MandateEvent>> QueryAsync(EventQuery query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (limit is < 1 or > PageRequest.MaxLimit)
        {
            throw MandateException.Invalid("limit", $"limit must be between 1 and {PageRequest.MaxLimit}");
        }

        if (query.AfterSequence < 0)
        {
            throw MandateException.Invalid("cursor", "cursor must be a sequence number of zero or more");
        }

        var parameters = new List<(string, object?)>();
        var sql = EventFilter.Sql(query, limit, parameters);
        return database.ReadAsync(async session =>
        {
            await using var command = session.Command(sql);
            command.Bind(parameters.ToArray());
            var rows = await session.ListAsync(command, EventRows.Read);
            if (rows.Count <= limit)
            {
                return new Page<MandateEvent>(rows, null);
            }

            rows.RemoveAt(rows.Count - 1);
            return new Page<MandateEvent>(rows, rows[^1].Sequence.ToString(CultureInfo.InvariantCulture));
        }, cancellationToken);
    }

    private static IEnumerable<string> Participants(MandateEvent e) =>
        e.ActorId is null ? e.Chain : e.Chain.Prepend(e.ActorId);
}
