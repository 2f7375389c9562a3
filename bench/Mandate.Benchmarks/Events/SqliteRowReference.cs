using System.Diagnostics;
using Mandate.Core.Events;
using Microsoft.Data.Sqlite;

namespace Mandate.Benchmarks.Events;

/// <summary>
/// The reference: the plain way to keep events in SQLite, one row per event with a column per field and an index
/// on actor and time, inserted with a prepared statement in transactions of <see cref="BatchSize"/> rows, under the
/// same durability settings as Mandate's log (WAL, <c>synchronous=FULL</c>). No chain, no compression.
/// </summary>
internal sealed class SqliteRowReference : IDisposable
{
    public const int BatchSize = 8192;

    private readonly SqliteConnection _connection;

    public SqliteRowReference(string directory)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "reference.db"), Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS events (
                sequence INTEGER PRIMARY KEY, id TEXT NOT NULL, time INTEGER NOT NULL, category TEXT NOT NULL, type TEXT NOT NULL,
                outcome TEXT NOT NULL, actor_id TEXT, actor_kind TEXT, chain TEXT, action TEXT, resource_type TEXT, resource_id TEXT,
                policies TEXT, token_id TEXT, source_ip TEXT, user_agent TEXT, request_id TEXT, message TEXT, source TEXT);
            CREATE INDEX IF NOT EXISTS ix_events_actor_time ON events (actor_id, time);
            """);
    }

    /// <summary>Inserts every batch in a transaction of its own; returns events per second.</summary>
    public double Insert(IEnumerable<MandateEvent[]> batches)
    {
        using var insert = _connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO events (id, time, category, type, outcome, actor_id, actor_kind, chain, action, resource_type, resource_id,
                policies, token_id, source_ip, user_agent, request_id, message, source)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """;
        var p = Enumerable.Range(1, 18).Select(i => insert.Parameters.Add("$" + i, SqliteType.Text)).ToArray();
        p[1].SqliteType = SqliteType.Integer;
        var clock = Stopwatch.StartNew();
        var count = 0L;
        foreach (var batch in batches)
        {
            using var transaction = _connection.BeginTransaction();
            insert.Transaction = transaction;
            count += batch.Length;
            foreach (var e in batch)
            {
                p[0].Value = e.Id;
                p[1].Value = e.Time.UtcTicks;
                p[2].Value = EventCodec.CategoryName(e.Category);
                p[3].Value = e.Type;
                p[4].Value = e.Outcome == EventOutcome.Success ? "success" : "failure";
                p[5].Value = (object?)e.ActorId ?? DBNull.Value;
                p[6].Value = (object?)e.ActorKind ?? DBNull.Value;
                p[7].Value = e.Chain.Count == 0 ? DBNull.Value : string.Join('\u001f', e.Chain);
                p[8].Value = (object?)e.Action ?? DBNull.Value;
                p[9].Value = (object?)e.ResourceType ?? DBNull.Value;
                p[10].Value = (object?)e.ResourceId ?? DBNull.Value;
                p[11].Value = e.Policies.Count == 0 ? DBNull.Value : string.Join('\u001f', e.Policies);
                p[12].Value = (object?)e.TokenId ?? DBNull.Value;
                p[13].Value = (object?)e.SourceIp ?? DBNull.Value;
                p[14].Value = (object?)e.UserAgent ?? DBNull.Value;
                p[15].Value = (object?)e.RequestId ?? DBNull.Value;
                p[16].Value = (object?)e.Message ?? DBNull.Value;
                p[17].Value = (object?)e.Source ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>One identity's events in a time range, in time order; returns how many.</summary>
    public int Query(string identity, DateTimeOffset from, DateTimeOffset to)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT sequence, id, time, type, outcome, action, resource_id FROM events WHERE actor_id = $a AND time >= $f AND time < $t ORDER BY time";
        query.Parameters.AddWithValue("$a", identity);
        query.Parameters.AddWithValue("$f", from.UtcTicks);
        query.Parameters.AddWithValue("$t", to.UtcTicks);
        return query.CountRows();
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
