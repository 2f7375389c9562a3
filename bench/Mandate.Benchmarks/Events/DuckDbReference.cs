using System.Diagnostics;
using DuckDB.NET.Data;
using Mandate.Core.Events;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// The other embedded engine considered: DuckDB, one row per event in a columnar table, appended through DuckDB's
/// appender in batches of <see cref="SqliteRowReference.BatchSize"/> rows, each batch its own commit.
/// </summary>
internal sealed class DuckDbReference : IDisposable
{
    private readonly DuckDBConnection _connection;

    public DuckDbReference(string directory)
    {
        _connection = new DuckDBConnection($"Data Source={Path.Combine(directory, "reference.duckdb")}");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS events (
                sequence BIGINT, id VARCHAR, time BIGINT, category VARCHAR, type VARCHAR, outcome VARCHAR, actor_id VARCHAR,
                actor_kind VARCHAR, chain VARCHAR, action VARCHAR, resource_type VARCHAR, resource_id VARCHAR, policies VARCHAR,
                token_id VARCHAR, source_ip VARCHAR, user_agent VARCHAR, request_id VARCHAR, message VARCHAR, source VARCHAR)
            """;
        create.ExecuteNonQuery();
    }

    private long _sequence;

    /// <summary>Appends every event; returns events per second.</summary>
    public double Insert(IEnumerable<MandateEvent[]> batches)
    {
        var count = 0L;
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            using (var appender = _connection.CreateAppender("events"))
            {
                foreach (var e in batch)
                {
                    appender.CreateRow()
                        .AppendValue(++_sequence).AppendValue(e.Id).AppendValue(e.Time.UtcTicks).AppendValue(EventCodec.CategoryName(e.Category))
                        .AppendValue(e.Type).AppendValue(e.Outcome == EventOutcome.Success ? "success" : "failure").AppendValue(e.ActorId)
                        .AppendValue(e.ActorKind).AppendValue(e.Chain.Count == 0 ? null : string.Join('\u001f', e.Chain)).AppendValue(e.Action)
                        .AppendValue(e.ResourceType).AppendValue(e.ResourceId).AppendValue(e.Policies.Count == 0 ? null : string.Join('\u001f', e.Policies))
                        .AppendValue(e.TokenId).AppendValue(e.SourceIp).AppendValue(e.UserAgent).AppendValue(e.RequestId).AppendValue(e.Message)
                        .AppendValue(e.Source).EndRow();
                }
            }

            count += batch.Length;
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One identity's events in a time range, in time order; returns how many.</summary>
    public int Query(string identity, DateTimeOffset from, DateTimeOffset to)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT sequence, id, time, type, outcome, action, resource_id FROM events WHERE actor_id = $a AND time >= $f AND time < $t ORDER BY time";
        query.Parameters.Add(new DuckDBParameter("a", identity));
        query.Parameters.Add(new DuckDBParameter("f", from.UtcTicks));
        query.Parameters.Add(new DuckDBParameter("t", to.UtcTicks));
        return query.CountRows();
    }

    public void Dispose() => _connection.Dispose();
}
