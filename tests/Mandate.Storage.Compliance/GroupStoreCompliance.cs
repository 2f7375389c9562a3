using Mandate.Core.Errors;
using Mandate.Core.Groups;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IGroupStore"/> must have.</summary>
public abstract class GroupStoreCompliance(IStoreFactory factory) : StoreCompliance(factory)
{
    private static Group NewGroup(string id, GroupKind kind = GroupKind.Group) => new()
    {
        Id = id,
        Kind = kind,
        DisplayName = "Group " + id,
        Description = "d",
        Owner = "alice",
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    private static Membership Edge(string group, string member, bool isGroup = false) => new(group, member, isGroup, T0);

    [Fact]
    public async Task Create_Get_Update_Delete()
    {
        await Store.Groups.CreateAsync(NewGroup("finance"));
        var role = await Store.Groups.CreateAsync(NewGroup("readers", GroupKind.Role));

        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.CreateAsync(NewGroup("finance")))).Code);
        var updated = await Store.Groups.UpdateAsync(role with { DisplayName = "Readers" });
        Assert.Equal(2, updated.Version);
        Assert.Equal(ErrorCode.VersionConflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.UpdateAsync(role))).Code);
        Assert.Equal(GroupKind.Role, (await Store.Groups.GetAsync("readers"))!.Kind);
        Assert.Equal(["readers"], (await Store.Groups.ListAsync(GroupKind.Role, new PageRequest())).Items.Select(g => g.Id));
        Assert.True(await Store.Groups.DeleteAsync("finance"));
        Assert.False(await Store.Groups.DeleteAsync("finance"));
        Assert.Null(await Store.Groups.GetAsync("finance"));
    }

    [Fact]
    public async Task Membership_IsIdempotent_AndChecksBothEnds()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Groups.CreateAsync(NewGroup("finance"));

        Assert.True(await Store.Groups.AddMemberAsync(Edge("finance", "alice")));
        Assert.False(await Store.Groups.AddMemberAsync(Edge("finance", "alice")));
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.AddMemberAsync(Edge("finance", "ghost")))).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.AddMemberAsync(Edge("nope", "alice")))).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.AddMemberAsync(Edge("finance", "nope", isGroup: true)))).Code);

        Assert.Equal(["finance"], (await Store.Groups.ListMembershipsAsync("alice")).Select(m => m.GroupId));
        Assert.True(await Store.Groups.RemoveMemberAsync("finance", "alice"));
        Assert.False(await Store.Groups.RemoveMemberAsync("finance", "alice"));
    }

    [Fact]
    public async Task NestedGroups_RefuseCycles()
    {
        await Store.Groups.CreateAsync(NewGroup("a"));
        await Store.Groups.CreateAsync(NewGroup("b"));
        await Store.Groups.CreateAsync(NewGroup("c"));
        await Store.Groups.AddMemberAsync(Edge("a", "b", isGroup: true));
        await Store.Groups.AddMemberAsync(Edge("b", "c", isGroup: true));

        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.AddMemberAsync(Edge("c", "a", isGroup: true)))).Code);
        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Groups.AddMemberAsync(Edge("a", "a", isGroup: true)))).Code);
        Assert.Equal(2, (await AllAsync(Store.Groups.ScanMembershipsAsync())).Count);
    }

    [Fact]
    public async Task Delete_RemovesEdgesBothWays()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Groups.CreateAsync(NewGroup("outer"));
        await Store.Groups.CreateAsync(NewGroup("inner"));
        await Store.Groups.AddMemberAsync(Edge("outer", "inner", isGroup: true));
        await Store.Groups.AddMemberAsync(Edge("inner", "alice"));

        await Store.Groups.DeleteAsync("inner");

        Assert.Empty(await AllAsync(Store.Groups.ScanMembershipsAsync()));
    }

    [Fact]
    public async Task ListMembers_PagesInMemberOrder()
    {
        await Store.Groups.CreateAsync(NewGroup("big"));
        for (var i = 0; i < 9; i++)
        {
            await Store.Identities.CreateAsync(Human($"u{i}"), []);
            await Store.Groups.AddMemberAsync(Edge("big", $"u{i}"));
        }

        var members = await AllPagesAsync(p => Store.Groups.ListMembersAsync("big", p), 4);

        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"u{i}"), members.Select(m => m.MemberId));
        Assert.All(members, m => Assert.Equal(T0, m.CreatedAt));
    }
}
