using Mandate.Core.Events;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Cli;
using Mandate.Telemetry;
using Mandate.Telemetry.Retention;
using Mandate.Tokens.Audit;
using Mandate.Tokens.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.Audit;

/// <summary>Retention removes the oldest events in the background, and the kept stream still verifies from its signed anchor.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mandate-retention-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TestServer.DeleteDirectory(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task MaxEvents_PrunesTheOldest_RecordsIt_AndTheKeptChainVerifies()
    {
        await using (var server = await TestServer.StartAsync(_directory, ownsDirectory: false, o => o with
        {
            EventRetention = new EventRetentionOptions { MaxEvents = 3, Interval = TimeSpan.FromMilliseconds(50) },
        }))
        {
            await CreateInSeparateBlocksAsync(server, 8);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await server.GetJsonAsync("/v1/events?type=audit.events_pruned&limit=1")).GetProperty("items").GetArrayLength() == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "retention did not run within 30 s");
                await Task.Delay(20);
            }

            var first = (await server.GetJsonAsync("/v1/events?limit=1")).GetProperty("items")[0].GetProperty("sequence").GetInt64();
            Assert.True(first > 1, $"the oldest kept event is {first}");
        }

        var run = await CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task DeletingEventsPastTheAnchor_IsNamed()
    {
        await MaxEvents_PrunesTheOldest_RecordsIt_AndTheKeptChainVerifies();
        var file = new EventLogFile(_directory);

        // Retention runs every 50 ms, so the server may have stopped between signing an anchor and removing the events
        // up to it. Removing those is what the anchor allows; the damage is removing the first block no anchor covers.
        var firstKey = await file.ScalarAsync("""
            SELECT MIN(first_sequence) FROM event_blocks
            WHERE last_sequence NOT IN (SELECT sequence FROM audit_checkpoints WHERE anchor = 1)
            """);
        await file.ExecuteAsync($"DELETE FROM event_blocks WHERE first_sequence <= {firstKey}");

        var run = await CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"FAILED at event {firstKey}: events {firstKey} to", run.Output, StringComparison.Ordinal);
        Assert.Contains("retention removed events only up to event", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShrunkenBlockTimes_RetentionSignsAndRemovesNothing_AndVerifyNamesTheBlock()
    {
        await using (var server = await TestServer.StartAsync(_directory, ownsDirectory: false))
        {
            await CreateInSeparateBlocksAsync(server, 8);
        }

        // Someone with write access to the file marks every block but the newest as written long ago (the columns lie
        // outside the chain); the events themselves are from just now.
        var file = new EventLogFile(_directory);
        var firstKey = await file.ScalarAsync("SELECT min(first_sequence) FROM event_blocks");
        await file.ExecuteAsync("UPDATE event_blocks SET max_time = 0 WHERE first_sequence < (SELECT max(first_sequence) FROM event_blocks)");
        Assert.True(await file.ScalarAsync("SELECT count(*) FROM event_blocks WHERE max_time = 0") >= 2, "the setup left fewer than two old-looking blocks");

        await using (var server = await TestServer.StartAsync(_directory, ownsDirectory: false))
        {
            // One retention pass as the background service runs it, awaited rather than waited for.
            var services = server.Server.Services;
            var keys = services.GetRequiredService<SigningKeyRing>();
            var retention = new EventRetention(services.GetRequiredService<IMandateStore>().Audit, services.GetRequiredService<IEventSink>(),
                head => CheckpointSignature.Create(keys.Current, head, DateTimeOffset.UtcNow, anchor: true), TimeProvider.System);

            var refused = await Assert.ThrowsAsync<InvalidDataException>(() => retention.RunAsync(new EventRetentionOptions { MaxAge = TimeSpan.FromDays(90) }));

            Assert.Contains("retention refused to remove the events up to event", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"the stored block of events {firstKey} to", refused.Message, StringComparison.Ordinal);
            var first = (await server.GetJsonAsync("/v1/events?limit=1")).GetProperty("items")[0].GetProperty("sequence").GetInt64();
            Assert.Equal(firstKey, first);
        }

        Assert.Equal(0, await file.ScalarAsync("SELECT count(*) FROM audit_checkpoints WHERE anchor = 1"));
        var run = await CliRun.InvokeAsync(null, "audit", "verify", "--data", _directory);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"FAILED at event {firstKey}: the stored block of events {firstKey} to", run.Output, StringComparison.Ordinal);
        Assert.Contains("is not that of its events", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Creates <paramref name="count"/> identities one at a time, each event stored before the next is made, so the log
    /// holds several blocks (the pipeline gathers events that come close together into one).
    /// </summary>
    private static async Task CreateInSeparateBlocksAsync(TestServer server, int count)
    {
        var pipeline = server.Server.Services.GetRequiredService<EventPipeline>();
        for (var i = 0; i < count; i++)
        {
            var written = pipeline.Written;
            await server.PostJsonAsync("/v1/identities", new { kind = "human", id = $"person-{i}", display_name = $"Person {i}" });
            while (true)
            {
                var appended = pipeline.NextAppend;
                if (pipeline.Written > written)
                {
                    break;
                }

                await appended.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
    }
}
