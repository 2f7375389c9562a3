using Mandate.Core.Identities;
using Mandate.Core.Storage;
using Mandate.Storage.Compliance;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>What only the SQLite backend promises: the file, its pragmas, migrations and concurrent writers.</summary>
public sealed class SqliteMandateStoreTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DatabasePath => Path.Combine(_directory.Path, SqliteMandateStore.FileName);

    private async Task<T> QueryAsync<T>(string sql)
    {
        await using var connection = _directory.Connect(SqliteMandateStore.FileName);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_CreatesItAndTheDatabase()
    {
        await using var store = await SqliteMandateStore.OpenAsync(Path.Combine(_directory.Path, "nested", "data"));

        Assert.True(File.Exists(store.DatabasePath));
        Assert.Equal("mandate.db", Path.GetFileName(store.DatabasePath));
    }

    [Fact]
    public async Task OpenAsync_UsesWriteAheadLogging()
    {
        await using (await SqliteMandateStore.OpenAsync(_directory.Path))
        {
        }

        Assert.Equal("wal", await QueryAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task MigrateAsync_AppliesEachMigrationExactlyOnce()
    {
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            await store.MigrateAsync();
            await store.MigrateAsync();
        }

        await using (await SqliteMandateStore.OpenAsync(_directory.Path))
        {
        }

        // One row per step, steps numbered 1..n without gaps: so every step ran exactly once, however many there are.
        Assert.Equal(await QueryAsync<long>("SELECT max(version) FROM schema_migrations"), await QueryAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(1L, await QueryAsync<long>("SELECT count(*) FROM schema_migrations WHERE version = 1 AND name = 'initial_schema'"));
    }

    [Fact]
    public async Task OpenAsync_Version1Database_MovesItsEventsIntoTheEventLogWithTheirSequences()
    {
        // A data directory as version 1 left it: events in a table of the state database.
        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
        }

        await QueryAsync<object>("""
            DELETE FROM schema_migrations WHERE version > 1;
            DROP TABLE IF EXISTS discovered_identities;
            DROP TABLE IF EXISTS registration_tokens;
            CREATE TABLE events (sequence INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, category TEXT NOT NULL,
                type TEXT NOT NULL, outcome TEXT NOT NULL, actor_id TEXT, actor_kind TEXT, chain TEXT NOT NULL, action TEXT,
                resource_type TEXT, resource_id TEXT, policies TEXT NOT NULL, token_id TEXT, source_ip TEXT, user_agent TEXT,
                request_id TEXT, message TEXT);
            CREATE TABLE event_identities (identity_id TEXT NOT NULL, sequence INTEGER NOT NULL, PRIMARY KEY (identity_id, sequence)) WITHOUT ROWID;
            INSERT INTO events VALUES (1, 'e1', 638700000000000000, 'Authentication', 'token.issued', 'Success', 'agent-a', 'agent', '["alice"]',
                NULL, NULL, NULL, '[]', 'jti-1', NULL, NULL, NULL, 'issued');
            INSERT INTO events VALUES (2, 'e2', 638700000000000001, 'Authorization', 'decision.evaluated', 'Failure', 'agent-a', 'agent', '[]',
                'read', 'Table', 'payroll', '["p1"]', NULL, '192.0.2.1', NULL, 'r1', NULL);
            SELECT 1;
            """);

        await using (var store = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            var events = (await store.Events.QueryAsync(new Core.Events.EventQuery(), 10)).Items;
            Assert.Equal([(1L, "e1"), (2L, "e2")], events.Select(e => (e.Sequence, e.Id)));
            Assert.Equal(["alice"], events[0].Chain);
            Assert.Equal(("read", "payroll", Core.Events.EventOutcome.Failure), (events[1].Action, events[1].ResourceId, events[1].Outcome));
            Assert.Equal(2, (await store.Audit.HeadAsync()).Sequence);
        }

        Assert.Equal(0L, await QueryAsync<long>("SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'event_identities')"));
    }

    [Fact]
    public async Task OpenAsync_NewerSchema_IsRefusedWithAClearError()
    {
        await using (await SqliteMandateStore.OpenAsync(_directory.Path))
        {
        }

        await QueryAsync<object>("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0) RETURNING version");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteMandateStore.OpenAsync(_directory.Path));
        Assert.Contains("version 999", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("newer", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_ReleasesTheFile()
    {
        var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        await store.Identities.CreateAsync(Samples.Identity("a"), []);
        await store.DisposeAsync();

        // The harness deletes the directory; prove here that nothing still holds the database open by reopening and deleting.
        await using (var reopened = await SqliteMandateStore.OpenAsync(_directory.Path))
        {
            Assert.NotNull(await reopened.Identities.GetAsync("a"));
        }

        File.Delete(DatabasePath);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task DisposedStore_RefusesFurtherUse()
    {
        var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.Identities.GetAsync("a"));
    }

    [Fact]
    public async Task ConcurrentWriters_AllSucceedWithoutBusyErrors()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        await using var second = await SqliteMandateStore.OpenAsync(_directory.Path);

        var writes = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var target = i % 2 == 0 ? store : second;
            var created = await target.Identities.CreateAsync(Samples.Identity($"agent-{i:D2}"), [Samples.ApiKey($"k{i}", $"agent-{i:D2}", $"mnd_{i}")]);
            await target.Identities.UpdateAsync(created with { Status = IdentityStatus.Suspended });
            await target.Events.AppendAsync([Samples.Event("token.issued", Samples.Time, created.Id)]);
            _ = await target.Identities.ListAsync(new IdentityQuery(), new Core.Storage.PageRequest(5));
        }));
        await Task.WhenAll(writes);

        var all = await store.Identities.ListAsync(new IdentityQuery { Status = IdentityStatus.Suspended }, new Core.Storage.PageRequest(100));
        Assert.Equal(40, all.Items.Count);
        Assert.Equal(40, (await store.Events.QueryAsync(new Core.Events.EventQuery { Type = "token" }, 100)).Items.Count);
    }

    [Fact]
    public async Task LargeEventBatch_AppendsInOneTransaction()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        var batch = Enumerable.Range(0, 2000).Select(i => Samples.Event("decision.evaluated", Samples.Time.AddMilliseconds(i), $"agent-{i % 10}", "alice")).ToArray();

        var stored = await store.Events.AppendAsync(batch);

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => stored[0].Sequence + i), stored.Select(e => e.Sequence));
        var page = await store.Events.QueryAsync(new Core.Events.EventQuery { IdentityId = "agent-3", From = Samples.Time, To = Samples.Time.AddSeconds(1) }, 1000);
        Assert.Equal(100, page.Items.Count);
    }

    [Fact]
    public async Task PagesAsync_FollowsTheCursorThroughEveryMatchingEvent()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        var stored = await store.Events.AppendAsync([.. Enumerable.Range(0, 2500).Select(i => Samples.Event("decision.evaluated", Samples.Time.AddMilliseconds(i), $"agent-{i % 2}"))]);

        var pages = new List<IReadOnlyList<Core.Events.MandateEvent>>();
        await foreach (var page in store.Events.PagesAsync(new Core.Events.EventQuery { IdentityId = "agent-1" }, 500))
        {
            pages.Add(page);
        }

        Assert.Equal([500, 500, 250], pages.Select(p => p.Count));
        Assert.Equal(stored.Where(e => e.ActorId == "agent-1").Select(e => e.Sequence), pages.SelectMany(p => p).Select(e => e.Sequence));
    }
}
