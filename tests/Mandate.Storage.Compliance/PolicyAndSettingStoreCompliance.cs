using Mandate.Core.Errors;
using Mandate.Core.Policies;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IPolicyStore"/> and <see cref="ISettingStore"/> must have.</summary>
public abstract class PolicyAndSettingStoreCompliance(IStoreFactory factory) : StoreCompliance(factory)
{
    private static PolicyDocument Policy(string id, bool enabled = true) => new()
    {
        Id = id,
        Text = "permit (principal, action, resource);",
        Description = "d",
        Enabled = enabled,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public async Task Policies_CreateGetListUpdateDelete()
    {
        var created = await Store.Policies.CreateAsync(Policy("p1"));
        await Store.Policies.CreateAsync(Policy("p2", enabled: false));

        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Policies.CreateAsync(Policy("p1")))).Code);
        Assert.Equal(["p2"], (await Store.Policies.ListAsync(false, new PageRequest())).Items.Select(p => p.Id));
        Assert.Equal(2, (await AllPagesAsync(p => Store.Policies.ListAsync(null, p), 1)).Count);
        var updated = await Store.Policies.UpdateAsync(created with { Text = "forbid (principal, action, resource);" });
        Assert.Equal(2, updated.Version);
        Assert.Equal(ErrorCode.VersionConflict, (await Assert.ThrowsAsync<MandateException>(() => Store.Policies.UpdateAsync(created))).Code);
        Assert.StartsWith("forbid", (await Store.Policies.GetAsync("p1"))!.Text, StringComparison.Ordinal);
        Assert.True(await Store.Policies.DeleteAsync("p1"));
        Assert.False(await Store.Policies.DeleteAsync("p1"));
        Assert.Equal(["p2"], (await AllAsync(Store.Policies.ScanAsync())).Select(p => p.Id));
    }

    [Fact]
    public async Task Policies_SurviveReopen()
    {
        await Store.Policies.CreateAsync(Policy("p1"));

        await ReopenAsync();

        Assert.Equal(T0, (await Store.Policies.GetAsync("p1"))!.CreatedAt);
    }

    [Fact]
    public async Task Settings_GetSetTryAdd_WithoutStateChange()
    {
        var changes = 0;
        Store.StateChanged += (_, _) => changes++;

        Assert.Null(await Store.Settings.GetAsync("k"));
        Assert.True(await Store.Settings.TryAddAsync("k", "1"));
        Assert.False(await Store.Settings.TryAddAsync("k", "2"));
        Assert.Equal("1", await Store.Settings.GetAsync("k"));
        await Store.Settings.SetAsync("k", "3");
        Assert.Equal("3", await Store.Settings.GetAsync("k"));
        Assert.Equal(0, changes);
    }
}
