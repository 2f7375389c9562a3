using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Membership edges of <see cref="IGroupStore"/>: existence checks, idempotence, cycle refusal, listing.</summary>
public abstract class MembershipStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await Store.Identities.CreateAsync(Samples.Identity(id), []);
        }

        foreach (var id in new[] { "g1", "g2", "g3" })
        {
            await Store.Groups.CreateAsync(Samples.Group(id));
        }

        ResetStateChanges();
    }

    private static Membership Identity(string group, string member) => new(group, member, false, Samples.Time);

    private static Membership Nested(string group, string member) => new(group, member, true, Samples.Time);

    [Fact]
    public async Task AddMemberAsync_NewEdge_ReturnsTrueAndRoundTrips()
    {
        Assert.True(await Store.Groups.AddMemberAsync(Identity("g1", "a")));

        Assert.Equal([Identity("g1", "a")], (await Store.Groups.ListMembersAsync("g1", new PageRequest())).Items);
        Assert.Equal([Identity("g1", "a")], await Store.Groups.ListMembershipsAsync("a"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task AddMemberAsync_ExistingEdge_ReturnsFalseWithoutStateChange()
    {
        await Store.Groups.AddMemberAsync(Identity("g1", "a"));

        Assert.False(await Store.Groups.AddMemberAsync(Identity("g1", "a")));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task AddMemberAsync_UnknownGroupOrMember_IsNotFound()
    {
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Groups.AddMemberAsync(Identity("ghost", "a")));
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Groups.AddMemberAsync(Identity("g1", "ghost")));
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Groups.AddMemberAsync(Nested("g1", "a")));
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Groups.AddMemberAsync(Identity("g1", "g2")));
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task AddMemberAsync_GroupIntoItself_IsConflict() =>
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Groups.AddMemberAsync(Nested("g1", "g1")));

    [Fact]
    public async Task AddMemberAsync_ClosingAnIndirectCycle_IsConflictAndLeavesNoEdge()
    {
        await Store.Groups.AddMemberAsync(Nested("g1", "g2"));
        await Store.Groups.AddMemberAsync(Nested("g2", "g3"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Groups.AddMemberAsync(Nested("g3", "g1")));

        Assert.Empty((await Store.Groups.ListMembersAsync("g3", new PageRequest())).Items);
        Assert.Equal(2, StateChanges);
    }

    [Fact]
    public async Task AddMemberAsync_DiamondWithoutCycle_IsAccepted()
    {
        await Store.Groups.AddMemberAsync(Nested("g1", "g2"));
        await Store.Groups.AddMemberAsync(Nested("g1", "g3"));

        Assert.True(await Store.Groups.AddMemberAsync(Nested("g2", "g3")));
    }

    [Fact]
    public async Task RemoveMemberAsync_ReportsWhetherTheEdgeExisted()
    {
        await Store.Groups.AddMemberAsync(Identity("g1", "a"));
        ResetStateChanges();

        Assert.True(await Store.Groups.RemoveMemberAsync("g1", "a"));
        Assert.False(await Store.Groups.RemoveMemberAsync("g1", "a"));

        Assert.Empty(await Store.Groups.ListMembershipsAsync("a"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task ListMembersAsync_PagesInMemberIdOrder()
    {
        foreach (var member in new[] { "c", "a", "b" })
        {
            await Store.Groups.AddMemberAsync(Identity("g1", member));
        }

        await Store.Groups.AddMemberAsync(Nested("g1", "g2"));
        await Store.Groups.AddMemberAsync(Identity("g2", "a"));

        var members = await ReadAllPagesAsync(3, page => Store.Groups.ListMembersAsync("g1", page));

        Assert.Equal(["a", "b", "c", "g2"], members.Select(m => m.MemberId));
        Assert.True(members[3].MemberIsGroup);
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Groups.ListMembersAsync("g1", new PageRequest(1, "=")));
    }

    [Fact]
    public async Task ListMembershipsAsync_ReturnsDirectGroupsOnly()
    {
        await Store.Groups.AddMemberAsync(Nested("g1", "g2"));
        await Store.Groups.AddMemberAsync(Identity("g2", "a"));
        await Store.Groups.AddMemberAsync(Identity("g3", "a"));

        var memberships = await Store.Groups.ListMembershipsAsync("a");

        Assert.Equal(["g2", "g3"], memberships.Select(m => m.GroupId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Memberships_SurviveReopenAndScan()
    {
        await Store.Groups.AddMemberAsync(Nested("g1", "g2"));
        await Store.Groups.AddMemberAsync(Identity("g2", "b"));

        await ReopenAsync();

        var edges = new List<Membership>();
        await foreach (var edge in Store.Groups.ScanMembershipsAsync())
        {
            edges.Add(edge);
        }

        Assert.Equal(
            [Nested("g1", "g2"), Identity("g2", "b")],
            edges.OrderBy(e => e.GroupId, StringComparer.Ordinal));
    }
}
