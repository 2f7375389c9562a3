using System.Runtime.CompilerServices;
using Mandate.Core.Storage;
using Mandate.Telemetry.Audit;
using Mandate.Telemetry.Retention;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// <c>audit verify</c> on a live server's data directory: a retention pass (sign an anchor, prune) that runs while
/// the verifier works must not make an honest log look cut short.
/// </summary>
public sealed class AuditSnapshotTests : IDisposable
{
    private readonly TempDataDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Verify_WhileRetentionPrunesBetweenReadingCheckpointsAndBlocks_SeesOneConsistentLog()
    {
        await using var store = await SqliteMandateStore.OpenAsync(_directory.Path);
        for (var i = 0; i < 3; i++)
        {
            await store.Events.AppendAsync([Compliance.Samples.Event($"step.{i}", Compliance.Samples.Time.AddHours(i), "agent-a")]);
        }

        var retention = new EventRetention(store.Audit, new DroppingSink(),
            head => new AuditCheckpoint(head.Sequence, head.Link, Compliance.Samples.Time, "anchor.p.s", Anchor: true), TimeProvider.System);
        var log = new PruningBeforeBlocks(store.Audit, () => retention.RunAsync(new EventRetentionOptions { MaxEvents = 1 }));

        var report = await AuditVerifier.VerifyAsync(log, _ => null);

        Assert.True(log.Pruned, "the retention pass removed nothing, so the test shows nothing");
        Assert.True(report.Verified, report.Problem?.Message);
    }

    /// <summary>
    /// Runs a retention pass against the real log just before the verifier reads the blocks (whether it reads them from
    /// the log or from a snapshot opened before), then reads them.
    /// </summary>
    private sealed class PruningBeforeBlocks(IAuditLog inner, Func<Task<RetentionResult?>> prune) : IAuditLog
    {
        public bool Pruned { get; private set; }

        public async Task PruneFirstAsync() => Pruned = await prune() is not null;

        public Task<AuditHead> HeadAsync(CancellationToken cancellationToken = default) => inner.HeadAsync(cancellationToken);

        public async Task<IAuditSnapshot> ReadSnapshotAsync(CancellationToken cancellationToken = default) =>
            new Snapshot(await inner.ReadSnapshotAsync(cancellationToken), this);

        public Task AddCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default) => inner.AddCheckpointAsync(checkpoint, cancellationToken);

        public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => inner.ReadCheckpointsAsync(cancellationToken);

        public Task<AuditCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken = default) => inner.LatestCheckpointAsync(cancellationToken);

        public Task<AuditHead?> FindPruneBoundaryAsync(DateTimeOffset? olderThan, long? keepLatest, CancellationToken cancellationToken = default) =>
            inner.FindPruneBoundaryAsync(olderThan, keepLatest, cancellationToken);

        public Task<long> PruneAsync(long throughSequence, CancellationToken cancellationToken = default) => inner.PruneAsync(throughSequence, cancellationToken);
    }

    private sealed class Snapshot(IAuditSnapshot inner, PruningBeforeBlocks log) : IAuditSnapshot
    {
        public IReadOnlyList<AuditCheckpoint> Checkpoints => inner.Checkpoints;

        public async IAsyncEnumerable<AuditBlock> ReadBlocksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await log.PruneFirstAsync();
            await foreach (var block in inner.ReadBlocksAsync(cancellationToken))
            {
                yield return block;
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
