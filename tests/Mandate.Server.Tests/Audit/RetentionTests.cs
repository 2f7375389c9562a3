using Mandate.Server.Tests.Cli;
using Mandate.Telemetry;
using Mandate.Telemetry.Retention;
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
            var pipeline = server.Server.Services.GetRequiredService<EventPipeline>();
            for (var i = 0; i < 8; i++)
            {
                // One at a time, each stored before the next is made, so the log holds several blocks (the pipeline
                // gathers events that come close together into one).
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
}
