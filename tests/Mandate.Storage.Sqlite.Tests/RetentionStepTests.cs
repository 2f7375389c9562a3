using Mandate.Core.Storage;
using Mandate.Storage.Compliance;
using Mandate.Telemetry.Audit;
using Mandate.Telemetry.Retention;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// Retention of a long due range (a limit set for the first time on an old log) goes in bounded steps, each to its own
/// signed anchor, so no single prune holds the file's write lock past the committer's busy timeout.
/// </summary>
public sealed class RetentionStepTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Retention_OfALongRange_PrunesInBoundedAnchoredSteps_AndTheKeptChainVerifies()
    {
        const int blocks = 300;
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        for (var i = 0; i < blocks; i++)
        {
            // One append each, so one block each.
            await store.Events.AppendAsync([Samples.Event($"step.{i}", Samples.Time.AddSeconds(i), "agent-a")]);
        }

        var step = await store.Audit.FindPruneBoundaryAsync(null, 1);
        var anchors = new List<long>();
        var retention = new EventRetention(store.Audit, new DroppingSink(), head =>
        {
            anchors.Add(head.Sequence);
            return new AuditCheckpoint(head.Sequence, head.Link, Samples.Time, "anchor.p.s", Anchor: true);
        }, TimeProvider.System);

        var result = await retention.RunAsync(new EventRetentionOptions { MaxEvents = 1 });

        Assert.InRange(step!.Sequence, 1, blocks - 2);
        Assert.Equal(new RetentionResult(blocks - 1, blocks - 1), result);
        Assert.True(anchors.Count >= 2, $"retention signed {anchors.Count} anchor(s) for {blocks - 1} blocks");
        Assert.Equal(step.Sequence, anchors[0]);
        var report = await AuditVerifier.VerifyAsync(store.Audit, _ => null);
        Assert.True(report.Verified, report.Problem?.Message);
        Assert.Equal(1, report.Events);

        // The freed pages went back to the file system, step by step.
        await using var file = _directory.Connect("events.db");
        await file.OpenAsync();
        await using var free = file.CreateCommand();
        free.CommandText = "PRAGMA freelist_count";
        Assert.Equal(0L, (long)(await free.ExecuteScalarAsync())!);
    }
}
