using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IGroupStore"/> must show for groups themselves.</summary>
public abstract class GroupStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    [Fact]
    public async Task CreateAsync_RoundTripsEveryField()
    {
        var group = Samples.Group("finance", GroupKind.Role);

        var created = await Store.Groups.CreateAsync(group);

        Assert.Equal(group with { Version = 1 }, created);
        Assert.Equal(created, await Store.Groups.GetAsync("finance"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_IsConflict()
    {
        await Store.Groups.CreateAsync(Samples.Group("g"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Groups.CreateAsync(Samples.Group("g", GroupKind.Role)));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task IdentitiesAndGroups_ShareOneSetOfIds()
    {
        // A membership names its member by id alone: an id that were both could not say which it adds or removes.
        await Store.Identities.CreateAsync(Samples.Human("ops"), []);
        await Store.Groups.CreateAsync(Samples.Group("eng"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Groups.CreateAsync(Samples.Group("ops")));
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Identities.CreateAsync(Samples.Human("eng"), []));
        Assert.Null(await Store.Groups.GetAsync("ops"));
        Assert.Null(await Store.Identities.GetAsync("eng"));
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull() => Assert.Null(await Store.Groups.GetAsync("ghost"));

    [Fact]
    public async Task UpdateAsync_CurrentVersion_IncrementsVersion()
    {
        var created = await Store.Groups.CreateAsync(Samples.Group("g"));
        var changed = created with { DisplayName = "Renamed", Description = null, Kind = GroupKind.Role };

        var updated = await Store.Groups.UpdateAsync(changed);

        Assert.Equal(changed with { Version = 2 }, updated);
        Assert.Equal(updated, await Store.Groups.GetAsync("g"));
    }

    [Fact]
    public async Task UpdateAsync_StaleVersionOrUnknown_IsRefused()
    {
        var created = await Store.Groups.CreateAsync(Samples.Group("g"));
        await Store.Groups.UpdateAsync(created);

        await AssertRefusedAsync(ErrorCode.VersionConflict, () => Store.Groups.UpdateAsync(created));
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Groups.UpdateAsync(Samples.Group("ghost") with { Version = 1 }));
        Assert.Equal(2, StateChanges);
    }

    [Fact]
    public async Task ListAsync_ByKind_PagesInIdOrder()
    {
        foreach (var id in new[] { "r3", "g1", "r1", "g2", "r2" })
        {
            await Store.Groups.CreateAsync(Samples.Group(id, id[0] == 'r' ? GroupKind.Role : GroupKind.Group));
        }

        var roles = await ReadAllPagesAsync(2, page => Store.Groups.ListAsync(GroupKind.Role, page));
        var all = await ReadAllPagesAsync(1, page => Store.Groups.ListAsync(null, page));

        Assert.Equal(["r1", "r2", "r3"], roles.Select(g => g.Id));
        Assert.Equal(["g1", "g2", "r1", "r2", "r3"], all.Select(g => g.Id));
    }

    [Fact]
    public async Task ListAsync_BadPaging_IsInvalidArgument()
    {
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Groups.ListAsync(null, new PageRequest(PageRequest.MaxLimit + 1)));
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Groups.ListAsync(null, new PageRequest(1, "not a cursor")));
    }

    [Fact]
    public async Task DeleteAsync_RemovesGroupAndEveryEdgeToOrFromIt()
    {
        await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        await Store.Groups.CreateAsync(Samples.Group("outer"));
        await Store.Groups.CreateAsync(Samples.Group("middle"));
        await Store.Groups.AddMemberAsync(new Membership("outer", "middle", true, Samples.Time));
        await Store.Groups.AddMemberAsync(new Membership("middle", "a", false, Samples.Time));
        ResetStateChanges();

        Assert.True(await Store.Groups.DeleteAsync("middle"));

        Assert.Null(await Store.Groups.GetAsync("middle"));
        Assert.Empty((await Store.Groups.ListMembersAsync("outer", new PageRequest())).Items);
        Assert.Empty(await Store.Groups.ListMembershipsAsync("a"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task DeleteAsync_UnknownId_ReturnsFalseWithoutStateChange()
    {
        Assert.False(await Store.Groups.DeleteAsync("ghost"));
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task Groups_SurviveReopen()
    {
        var created = await Store.Groups.CreateAsync(Samples.Group("g"));

        await ReopenAsync();

        Assert.Equal(created, await Store.Groups.GetAsync("g"));
        var scanned = new List<Group>();
        await foreach (var group in Store.Groups.ScanAsync())
        {
            scanned.Add(group);
        }

        Assert.Equal([created], scanned);
    }
}
