using System.Text;
using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Telemetry.Audit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// An event log written by version 1 (plain lines, a full 32-byte link per event, an identity index table) is upgraded
/// in place: its events stay queryable, the chain and a checkpoint over it still verify, and new events chain on.
/// </summary>
public sealed class EventLogUpgradeTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Version1Log_IsUpgraded_ChainAndCheckpointStillVerify_AndNewEventsChainOn()
    {
        var head = await WriteVersion1LogAsync(
        [
            Compliance.Samples.Event("token.issued", Compliance.Samples.Time, "agent-a", "alice") with { Sequence = 1 },
            Compliance.Samples.Event("decision.evaluated", Compliance.Samples.Time.AddSeconds(1), "agent-b") with { Sequence = 2 },
            Compliance.Samples.Event("decision.evaluated", Compliance.Samples.Time.AddSeconds(2), "agent-a") with { Sequence = 3 },
        ]);

        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        await store.Audit.AddCheckpointAsync(new AuditCheckpoint(3, head, Compliance.Samples.Time, "signed"));
        var upgraded = await AuditVerifier.VerifyAsync(store.Audit, _ => null);
        await store.Events.AppendAsync([Compliance.Samples.Event("token.issued", Compliance.Samples.Time.AddSeconds(3), "agent-a")]);
        var extended = await AuditVerifier.VerifyAsync(store.Audit, _ => null);

        Assert.True(upgraded.Verified, upgraded.Problem?.Message);
        Assert.Equal(3, upgraded.Events);
        Assert.True(extended.Verified, extended.Problem?.Message);
        Assert.Equal(4, extended.Events);
        var agentA = await store.Events.QueryAsync(new EventQuery { IdentityId = "agent-a" }, 10);
        Assert.Equal([1L, 3L, 4L], agentA.Items.Select(e => e.Sequence));
        var delegated = await store.Events.QueryAsync(new EventQuery { IdentityId = "alice", IncludeDelegated = true }, 10);
        Assert.Equal([1L], delegated.Items.Select(e => e.Sequence));
    }

    /// <summary>Writes the version 1 layout by hand, as that build did; returns the link after the last event.</summary>
    private async Task<byte[]> WriteVersion1LogAsync(IReadOnlyList<MandateEvent> events)
    {
        var lines = new StringBuilder();
        var links = new List<byte>();
        var link = AuditChain.Genesis.ToArray();
        foreach (var e in events)
        {
            var line = EventCodec.Encode(e);
            var next = new byte[AuditChain.LinkSize];
            AuditChain.Next(link, line, next);
            link = next;
            links.AddRange(link);
            lines.Append(Encoding.UTF8.GetString(line)).Append('\n');
        }

        Directory.CreateDirectory(_directory.Path);
        await using var connection = _directory.Connect("events.db");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE event_blocks (first_sequence INTEGER PRIMARY KEY, last_sequence INTEGER NOT NULL, min_time INTEGER NOT NULL,
                max_time INTEGER NOT NULL, lines BLOB NOT NULL, links BLOB NOT NULL, last_link BLOB NOT NULL);
            CREATE INDEX ix_event_blocks_max_time ON event_blocks (max_time);
            CREATE TABLE event_block_identities (identity_id TEXT NOT NULL, first_sequence INTEGER NOT NULL, max_time INTEGER NOT NULL,
                PRIMARY KEY (identity_id, first_sequence)) WITHOUT ROWID;
            CREATE TABLE audit_checkpoints (sequence INTEGER PRIMARY KEY, link BLOB NOT NULL, created_at INTEGER NOT NULL, signature TEXT NOT NULL);
            INSERT INTO event_blocks VALUES (1, $last, $min, $max, $lines, $links, $last_link);
            PRAGMA user_version = 1;
            """;
        command.Parameters.AddWithValue("$last", events.Count);
        command.Parameters.AddWithValue("$min", events[0].Time.UtcTicks);
        command.Parameters.AddWithValue("$max", events[^1].Time.UtcTicks);
        command.Parameters.AddWithValue("$lines", Encoding.UTF8.GetBytes(lines.ToString()));
        command.Parameters.AddWithValue("$links", links.ToArray());
        command.Parameters.AddWithValue("$last_link", link);
        await command.ExecuteNonQueryAsync();
        return link;
    }
}
