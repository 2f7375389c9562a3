using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Retention behaviour every <see cref="IAuditLog"/> must show: whole oldest ranges only, and only past a signed anchor.</summary>
public abstract class AuditRetentionCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private static readonly DateTimeOffset T0 = Samples.Time;

    /// <summary>Three separate appends of three events each, an hour apart.</summary>
    private async Task<IReadOnlyList<MandateEvent>[]> ThreeAppendsAsync()
    {
        var appends = new IReadOnlyList<MandateEvent>[3];
        for (var i = 0; i < 3; i++)
        {
            appends[i] = await Store.Events.AppendAsync([.. Enumerable.Range(0, 3).Select(j => Samples.Event($"step.{i}", T0.AddHours(i).AddSeconds(j), $"agent-{j}"))]);
        }

        return appends;
    }

    [Fact]
    public async Task FindPruneBoundary_ByAge_StopsAtTheFirstYoungEvent_AndNeverTakesTheNewest()
    {
        var appends = await ThreeAppendsAsync();

        var none = await Store.Audit.FindPruneBoundaryAsync(T0, null);
        var first = await Store.Audit.FindPruneBoundaryAsync(T0.AddMinutes(30), null);
        var all = await Store.Audit.FindPruneBoundaryAsync(T0.AddDays(1), null);

        Assert.Null(none);
        Assert.Equal(appends[0][^1].Sequence, first!.Sequence);
        Assert.Equal(appends[1][^1].Sequence, all!.Sequence);
    }

    [Fact]
    public async Task FindPruneBoundary_ByCount_KeepsAtLeastThatMany()
    {
        var appends = await ThreeAppendsAsync();

        Assert.Equal(appends[0][^1].Sequence, (await Store.Audit.FindPruneBoundaryAsync(null, 4))!.Sequence);
        Assert.Equal(appends[1][^1].Sequence, (await Store.Audit.FindPruneBoundaryAsync(null, 0))!.Sequence);
        Assert.Null(await Store.Audit.FindPruneBoundaryAsync(null, 9));
        Assert.Null(await Store.Audit.FindPruneBoundaryAsync(null, null));
    }

    [Fact]
    public async Task Prune_WithoutASignedAnchor_IsRefusedAndRemovesNothing()
    {
        await ThreeAppendsAsync();
        var boundary = (await Store.Audit.FindPruneBoundaryAsync(null, 0))!;
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "h.p.s"));

        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Audit.PruneAsync(boundary.Sequence));

        Assert.Equal(9, (await Store.Events.QueryAsync(new EventQuery(), 100)).Items.Count);
    }

    [Fact]
    public async Task Prune_AtAnAnchor_RemovesTheOldestEvents_AndKeepsHeadAndChain()
    {
        var appends = await ThreeAppendsAsync();
        var headBefore = await Store.Audit.HeadAsync();
        var boundary = (await Store.Audit.FindPruneBoundaryAsync(T0.AddMinutes(30), null))!;
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "h.p.s", Anchor: true));

        var removed = await Store.Audit.PruneAsync(boundary.Sequence);
        await ReopenAsync();

        Assert.Equal(3, removed);
        var kept = await Store.Events.QueryAsync(new EventQuery(), 100);
        Assert.Equal(appends[1][0].Sequence, kept.Items[0].Sequence);
        Assert.Equal(6, kept.Items.Count);
        Assert.Equal(headBefore.Link, (await Store.Audit.HeadAsync()).Link);
        var blocks = new List<AuditBlock>();
        await using var snapshot = await Store.Audit.ReadSnapshotAsync();
        await foreach (var block in snapshot.ReadBlocksAsync())
        {
            blocks.Add(block);
        }

        Assert.Equal(appends[1][0].Sequence, blocks[0].Key);
        Assert.True((await Store.Audit.ReadCheckpointsAsync()).Single().Anchor);
    }

    [Fact]
    public async Task AddCheckpoint_AnAnchorWhereAPlainCheckpointIs_ReplacesIt_SoPruneCanGo()
    {
        await ThreeAppendsAsync();
        var boundary = (await Store.Audit.FindPruneBoundaryAsync(null, 6))!;
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "h.p.s"));

        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0.AddHours(5), "anchor.p.s", Anchor: true));

        var checkpoint = (await Store.Audit.ReadCheckpointsAsync()).Single();
        Assert.True(checkpoint.Anchor);
        Assert.Equal("anchor.p.s", checkpoint.Signature);
        Assert.Equal(T0.AddHours(5), checkpoint.CreatedAt);
        Assert.Equal(3, await Store.Audit.PruneAsync(boundary.Sequence));
    }

    [Fact]
    public async Task AddCheckpoint_WhereOneIsAlready_IsRefusedUnlessAnAnchorReplacesAPlainOneOfTheSameLink()
    {
        await ThreeAppendsAsync();
        var boundary = (await Store.Audit.FindPruneBoundaryAsync(null, 6))!;
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "h.p.s"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "again.p.s")));
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Audit.AddCheckpointAsync(
            new AuditCheckpoint(boundary.Sequence, new byte[AuditChain.LinkSize], T0, "other.p.s", Anchor: true)));
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "anchor.p.s", Anchor: true));
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Audit.AddCheckpointAsync(new AuditCheckpoint(boundary.Sequence, boundary.Link, T0, "plain.p.s")));

        var checkpoint = (await Store.Audit.ReadCheckpointsAsync()).Single();
        Assert.True(checkpoint.Anchor);
        Assert.Equal("anchor.p.s", checkpoint.Signature);
    }

    [Fact]
    public async Task Prune_RemovesTheCheckpointsOfRemovedEvents_AndKeepsTheAnchorAndLaterOnes()
    {
        var appends = await ThreeAppendsAsync();
        var first = (await Store.Audit.FindPruneBoundaryAsync(T0.AddMinutes(30), null))!;
        var second = (await Store.Audit.FindPruneBoundaryAsync(T0.AddDays(1), null))!;
        var head = await Store.Audit.HeadAsync();
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(first.Sequence, first.Link, T0, "first.p.s"));
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(second.Sequence, second.Link, T0, "anchor.p.s", Anchor: true));
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(head.Sequence, head.Link, T0, "head.p.s"));

        await Store.Audit.PruneAsync(second.Sequence);

        Assert.Equal(["anchor.p.s", "head.p.s"], (await Store.Audit.ReadCheckpointsAsync()).Select(c => c.Signature));
        Assert.Equal("head.p.s", (await Store.Audit.LatestCheckpointAsync())!.Signature);
        Assert.Equal(appends[2][0].Sequence, (await Store.Events.QueryAsync(new EventQuery(), 100)).Items[0].Sequence);
    }

    [Fact]
    public async Task LatestCheckpoint_IsNullWithoutAny()
    {
        await ThreeAppendsAsync();

        Assert.Null(await Store.Audit.LatestCheckpointAsync());
    }

    [Fact]
    public async Task Prune_NotAtTheEndOfAStoredRange_IsRefused()
    {
        var appends = await ThreeAppendsAsync();
        var inside = appends[0][1].Sequence;
        await Store.Audit.AddCheckpointAsync(new AuditCheckpoint(inside, new byte[AuditChain.LinkSize], T0, "h.p.s", Anchor: true));

        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Audit.PruneAsync(inside));
    }
}
