using System.Globalization;
using System.Security.Cryptography;
using Mandate.Core.Errors;
using Mandate.Core.Events;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IEventStore"/> must show.</summary>
public abstract class EventStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private static readonly DateTimeOffset T0 = Samples.Time;

    public static void AssertSameEvent(MandateEvent expected, MandateEvent actual)
    {
        Assert.Equal(expected with { Chain = actual.Chain, Policies = actual.Policies }, actual);
        Assert.Equal(expected.Chain, actual.Chain);
        Assert.Equal(expected.Policies, actual.Policies);
    }

    private async Task<List<MandateEvent>> QueryAllAsync(EventQuery query, int limit = 2)
    {
        var events = new List<MandateEvent>();
        while (true)
        {
            var page = await Store.Events.QueryAsync(query, limit);
            Assert.True(page.Items.Count <= limit);
            events.AddRange(page.Items);
            if (page.NextCursor is null)
            {
                return events;
            }

            query = query with { AfterSequence = long.Parse(page.NextCursor, CultureInfo.InvariantCulture) };
        }
    }

    [Fact]
    public async Task AppendAsync_AssignsConsecutiveSequencesAndRoundTripsEveryField()
    {
        var batch = new[]
        {
            Samples.Event("token.issued", T0, "agent-b", "agent-a", "alice"),
            Samples.Event("decision.evaluated", T0.AddTicks(1), actor: null) with { Outcome = EventOutcome.Failure, Category = EventCategory.Authorization },
            Samples.Event("token.refused", T0.AddMilliseconds(1), "agent-c") with { Message = null, SourceIp = null, Policies = [] },
        };

        var stored = await Store.Events.AppendAsync(batch);
        var more = await Store.Events.AppendAsync([Samples.Event("token.issued", T0)]);

        Assert.Equal(stored[0].Sequence + 1, stored[1].Sequence);
        Assert.Equal(stored[1].Sequence + 1, stored[2].Sequence);
        Assert.Equal(stored[2].Sequence + 1, more[0].Sequence);
        var read = await QueryAllAsync(new EventQuery(), limit: 10);
        Assert.Equal(4, read.Count);
        for (var i = 0; i < 3; i++)
        {
            AssertSameEvent(batch[i] with { Sequence = stored[i].Sequence }, read[i]);
        }
    }

    [Fact]
    public async Task AppendAsync_NeverRaisesStateChanged()
    {
        await Store.Events.AppendAsync([Samples.Event("token.issued", T0)]);

        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task AppendAsync_DuplicateIdInBatch_IsConflictAndAppendsNothing()
    {
        var first = Samples.Event("a", T0);

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Events.AppendAsync([first, Samples.Event("b", T0), first]));

        Assert.Empty((await Store.Events.QueryAsync(new EventQuery(), 10)).Items);
    }

    [Fact]
    public async Task AppendAsync_RefusedAmongConcurrentAppends_OthersKeepConsecutiveSequences()
    {
        var repeated = Samples.Event("a", T0);
        var before = Store.Events.AppendAsync([Samples.Event("b", T0), Samples.Event("c", T0)]);
        var refused = Store.Events.AppendAsync([repeated, Samples.Event("x", T0), repeated]);
        var unnamed = Store.Events.AppendAsync([Samples.Event("y", T0) with { Id = "" }]);
        var after = Store.Events.AppendAsync([Samples.Event("d", T0)]);

        await AssertRefusedAsync(ErrorCode.Conflict, () => refused);
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => unnamed);
        var stored = (await before).Concat(await after).ToList();
        var page = await Store.Events.QueryAsync(new EventQuery(), 10);

        Assert.Equal(["b", "c", "d"], page.Items.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(0, 3).Select(i => stored[0].Sequence + i), page.Items.Select(e => e.Sequence));
        Assert.Equal(stored.Select(e => e.Sequence), page.Items.Select(e => e.Sequence));
        Assert.Equal(stored[^1].Sequence, (await Store.Audit.HeadAsync()).Sequence);
    }

    [Fact]
    public async Task AppendAsync_EmptyBatch_ReturnsEmpty() =>
        Assert.Empty(await Store.Events.AppendAsync([]));

    [Fact]
    public async Task QueryAsync_Type_MatchesExactlyOrAsDottedPrefix()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("token", T0), Samples.Event("token.issued", T0), Samples.Event("token.issued.dpop", T0),
            Samples.Event("tokens.issued", T0), Samples.Event("tokenx", T0), Samples.Event("decision.evaluated", T0),
            Samples.Event("Token.issued", T0),
        ]);

        Assert.Equal(["token", "token.issued", "token.issued.dpop"], (await QueryAllAsync(new EventQuery { Type = "token" })).Select(e => e.Type));
        Assert.Equal(["token.issued", "token.issued.dpop"], (await QueryAllAsync(new EventQuery { Type = "token.issued" })).Select(e => e.Type));
        Assert.Empty(await QueryAllAsync(new EventQuery { Type = "tok" }));
        Assert.Empty(await QueryAllAsync(new EventQuery { Type = "token.%" }));
    }

    [Fact]
    public async Task QueryAsync_IdentityId_MatchesTheActor_AndWithDelegationsAnyChainMember()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("e1", T0, "agent-b", "agent-a", "alice"),
            Samples.Event("e2", T0, "alice"),
            Samples.Event("e3", T0, "agent-c", "agent-b"),
            Samples.Event("e4", T0, "agent-d"),
            Samples.Event("e5", T0, null, "alice"),
            Samples.Event("e6", T0, "alice", "alice"),
        ]);

        Assert.Equal(["e2", "e6"], (await QueryAllAsync(new EventQuery { IdentityId = "alice" })).Select(e => e.Type));
        Assert.Equal(["e1", "e2", "e5", "e6"], (await QueryAllAsync(new EventQuery { IdentityId = "alice", IncludeDelegated = true })).Select(e => e.Type));
        Assert.Equal(["e1"], (await QueryAllAsync(new EventQuery { IdentityId = "agent-b" })).Select(e => e.Type));
        Assert.Equal(["e1", "e3"], (await QueryAllAsync(new EventQuery { IdentityId = "agent-b", IncludeDelegated = true })).Select(e => e.Type));
        Assert.Empty(await QueryAllAsync(new EventQuery { IdentityId = "nobody", IncludeDelegated = true }));
    }

    [Fact]
    public async Task QueryAsync_IdentityIds_MatchAnyOfThem_TogetherWithIdentityId()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("a", T0, "agent-1"), Samples.Event("b", T0, "agent-2"), Samples.Event("c", T0, "agent-3"),
            Samples.Event("d", T0, "agent-4", "agent-2"), Samples.Event("e", T0, actor: null),
        ]);

        var direct = await QueryAllAsync(new EventQuery { IdentityId = "agent-1", IdentityIds = ["agent-2"] });
        var delegated = await QueryAllAsync(new EventQuery { IdentityIds = ["agent-1", "agent-2"], IncludeDelegated = true });

        Assert.Equal(["a", "b"], direct.Select(e => e.Type));
        Assert.Equal(["a", "b", "d"], delegated.Select(e => e.Type));
    }

    [Fact]
    public async Task QueryAsync_TimeRange_FromInclusiveToExclusive()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("before", T0.AddTicks(-1)), Samples.Event("at-from", T0), Samples.Event("inside", T0.AddMinutes(1)),
            Samples.Event("at-to", T0.AddHours(1)), Samples.Event("after", T0.AddHours(2)),
        ]);

        var found = await QueryAllAsync(new EventQuery { From = T0.ToUniversalTime(), To = T0.AddHours(1) });

        Assert.Equal(["at-from", "inside"], found.Select(e => e.Type));
    }

    [Fact]
    public async Task QueryAsync_EveryFilter_Combines()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("token.issued", T0, "alice"),
            Samples.Event("token.issued", T0, "alice") with { Outcome = EventOutcome.Failure },
            Samples.Event("token.issued", T0.AddDays(1), "alice") with { Outcome = EventOutcome.Failure },
            Samples.Event("decision.evaluated", T0, "alice") with { Outcome = EventOutcome.Failure },
            Samples.Event("token.issued", T0, "bob") with { Outcome = EventOutcome.Failure },
        ]);

        var found = await QueryAllAsync(new EventQuery
        {
            IdentityId = "alice",
            Type = "token",
            Outcome = EventOutcome.Failure,
            From = T0,
            To = T0.AddHours(1),
        });

        Assert.Single(found);
        Assert.Equal(("alice", EventOutcome.Failure, T0), (found[0].ActorId, found[0].Outcome, found[0].Time));
    }

    [Fact]
    public async Task QueryAsync_Paging_FollowsSequenceCursorToANullEnd()
    {
        var stored = await Store.Events.AppendAsync(Enumerable.Range(0, 7).Select(i => Samples.Event($"e{i}", T0, i % 2 == 0 ? "alice" : "bob")).ToArray());

        var first = await Store.Events.QueryAsync(new EventQuery { IdentityId = "alice" }, 3);
        var rest = await Store.Events.QueryAsync(new EventQuery { IdentityId = "alice", AfterSequence = long.Parse(first.NextCursor!, CultureInfo.InvariantCulture) }, 3);

        Assert.Equal(["e0", "e2", "e4"], first.Items.Select(e => e.Type));
        Assert.Equal(stored[4].Sequence.ToString(CultureInfo.InvariantCulture), first.NextCursor);
        Assert.Equal(["e6"], rest.Items.Select(e => e.Type));
        Assert.Null(rest.NextCursor);
    }

    [Fact]
    public async Task QueryAsync_AfterSequence_SkipsEarlierEvents()
    {
        var stored = await Store.Events.AppendAsync([Samples.Event("a", T0), Samples.Event("b", T0), Samples.Event("c", T0)]);

        var found = await QueryAllAsync(new EventQuery { AfterSequence = stored[0].Sequence });

        Assert.Equal(["b", "c"], found.Select(e => e.Type));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(PageRequest.MaxLimit + 1)]
    public async Task QueryAsync_LimitOutOfRange_IsInvalidArgument(int limit) =>
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Events.QueryAsync(new EventQuery(), limit));

    [Fact]
    public async Task Events_SurviveReopenAndSequencesContinue()
    {
        var before = await Store.Events.AppendAsync([Samples.Event("a", T0, "agent-b", "alice")]);

        await ReopenAsync();
        var after = await Store.Events.AppendAsync([Samples.Event("b", T0)]);

        var all = await QueryAllAsync(new EventQuery());
        AssertSameEvent(before[0], all[0]);
        Assert.True(after[0].Sequence > before[0].Sequence);
        Assert.Equal(["a"], (await QueryAllAsync(new EventQuery { IdentityId = "alice", IncludeDelegated = true })).Select(e => e.Type));
    }

    [Fact]
    public async Task QueryAsync_ActionAndResource_MatchExactly()
    {
        await Store.Events.AppendAsync(
        [
            Samples.Event("d1", T0, "agent-a") with { Action = "read", ResourceType = "Table", ResourceId = "invoices" },
            Samples.Event("d2", T0, "agent-a") with { Action = "read", ResourceType = "Table", ResourceId = "payroll" },
            Samples.Event("d3", T0, "agent-a") with { Action = "write", ResourceType = "Table", ResourceId = "invoices" },
            Samples.Event("d4", T0, "agent-a") with { Action = "readx", ResourceType = "Tables", ResourceId = "invoices" },
        ]);

        Assert.Equal(["d1", "d2"], (await QueryAllAsync(new EventQuery { Action = "read" })).Select(e => e.Type));
        Assert.Equal(["d1", "d3"], (await QueryAllAsync(new EventQuery { ResourceType = "Table", ResourceId = "invoices" })).Select(e => e.Type));
        Assert.Equal(["d1"], (await QueryAllAsync(new EventQuery { Action = "read", ResourceId = "invoices", IdentityId = "agent-a" })).Select(e => e.Type));
    }

    [Fact]
    public async Task AppendAsync_BatchLargerThanABlock_KeepsOrderAndFilters()
    {
        var batch = Enumerable.Range(0, 10_000).Select(i => Samples.Event($"bulk.{i % 3}", T0.AddSeconds(i), $"agent-{i % 7}")).ToArray();

        var stored = await Store.Events.AppendAsync(batch);
        var page = await Store.Events.QueryAsync(new EventQuery { IdentityId = "agent-3", Type = "bulk.1", From = T0.AddSeconds(9000) }, 1000);

        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => stored[0].Sequence + i - 1), stored.Select(e => e.Sequence));
        var expected = Enumerable.Range(9000, 1000).Where(i => i % 7 == 3 && i % 3 == 1).ToList();
        Assert.Equal(expected.Select(i => stored[i].Sequence), page.Items.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Audit_HeadAndBlocks_FollowTheChainOfTheCanonicalLines()
    {
        Assert.Equal(0, (await Store.Audit.HeadAsync()).Sequence);
        var stored = await Store.Events.AppendAsync([Samples.Event("a", T0, "alice"), Samples.Event("b", T0)]);
        await Store.Events.AppendAsync([Samples.Event("c", T0)]);

        var link = AuditChain.Genesis.ToArray();
        var lines = new List<byte[]>();
        await using var snapshot = await Store.Audit.ReadSnapshotAsync();
        await foreach (var block in snapshot.ReadBlocksAsync())
        {
            Assert.Null(block.Damage);
            Assert.Equal(AuditLinkScheme.BlockDigest, block.Scheme);
            var text = block.Lines.ToArray();
            var start = 0;
            for (var i = 0; i < block.Links.Length / AuditChain.StoredLinkSize; i++)
            {
                var end = Array.IndexOf(text, (byte)'\n', start);
                var line = text[start..end];
                start = end + 1;
                var locator = new byte[AuditChain.StoredLinkSize];
                AuditChain.Locate(line, locator);
                Assert.Equal(block.Links.Slice(i * AuditChain.StoredLinkSize, AuditChain.StoredLinkSize).ToArray(), locator);
                lines.Add(line);
            }

            Assert.Equal(text.Length, start);

            // SHA-256 of the previous link and the SHA-256 digest of the block's lines, worked out here by hand.
            var next = SHA256.HashData([.. link, .. SHA256.HashData(text)]);
            Assert.Equal(next, block.LastLink.ToArray());
            link = next;
        }

        Assert.Equal(3, lines.Count);
        Assert.Equal(EventCodec.Encode(stored[0]), lines[0]);
        var head = await Store.Audit.HeadAsync();
        Assert.Equal(stored[0].Sequence + 2, head.Sequence);
        Assert.Equal(link, head.Link);
    }

    [Fact]
    public async Task Audit_Checkpoints_RoundTripInSequenceOrder()
    {
        var later = new AuditCheckpoint(9, new byte[AuditChain.LinkSize], T0.AddMinutes(1), "header.payload.signature9");
        var earlier = new AuditCheckpoint(3, Enumerable.Repeat((byte)7, AuditChain.LinkSize).ToArray(), T0, "header.payload.signature3");

        await Store.Audit.AddCheckpointAsync(later);
        await Store.Audit.AddCheckpointAsync(earlier);
        await ReopenAsync();

        var read = await Store.Audit.ReadCheckpointsAsync();
        Assert.Equal([3L, 9L], read.Select(c => c.Sequence));
        Assert.Equal(earlier.Link, read[0].Link);
        Assert.Equal((earlier.CreatedAt, earlier.Signature), (read[0].CreatedAt, read[0].Signature));
    }
}
