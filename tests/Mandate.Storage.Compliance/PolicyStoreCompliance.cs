using Mandate.Core.Errors;
using Mandate.Core.Policies;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IPolicyStore"/> must show.</summary>
public abstract class PolicyStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    [Fact]
    public async Task CreateAsync_RoundTripsEveryField()
    {
        var policy = Samples.Policy("p1", enabled: false);

        var created = await Store.Policies.CreateAsync(policy);

        Assert.Equal(policy with { Version = 1 }, created);
        Assert.Equal(created, await Store.Policies.GetAsync("p1"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_IsConflict()
    {
        await Store.Policies.CreateAsync(Samples.Policy("p"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Policies.CreateAsync(Samples.Policy("p") with { Text = "forbid (principal, action, resource);" }));
        Assert.Equal(Samples.Policy("p").Text, (await Store.Policies.GetAsync("p"))!.Text);
    }

    [Fact]
    public async Task UpdateAsync_CurrentVersion_IncrementsVersion()
    {
        var created = await Store.Policies.CreateAsync(Samples.Policy("p"));
        var changed = created with { Text = "forbid (principal, action, resource);", Enabled = false, Description = null };

        var updated = await Store.Policies.UpdateAsync(changed);

        Assert.Equal(changed with { Version = 2 }, updated);
        Assert.Equal(updated, await Store.Policies.GetAsync("p"));
    }

    [Fact]
    public async Task UpdateAsync_StaleVersionOrUnknown_IsRefused()
    {
        var created = await Store.Policies.CreateAsync(Samples.Policy("p"));
        await Store.Policies.UpdateAsync(created);

        await AssertRefusedAsync(ErrorCode.VersionConflict, () => Store.Policies.UpdateAsync(created));
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Policies.UpdateAsync(Samples.Policy("ghost") with { Version = 1 }));
        Assert.Equal(2, StateChanges);
    }

    [Fact]
    public async Task ListAsync_ByEnabled_PagesInIdOrder()
    {
        for (var i = 0; i < 6; i++)
        {
            await Store.Policies.CreateAsync(Samples.Policy($"p{i}", enabled: i % 2 == 0));
        }

        var enabled = await ReadAllPagesAsync(2, page => Store.Policies.ListAsync(true, page));
        var disabled = await ReadAllPagesAsync(2, page => Store.Policies.ListAsync(false, page));
        var all = await ReadAllPagesAsync(4, page => Store.Policies.ListAsync(null, page));

        Assert.Equal(["p0", "p2", "p4"], enabled.Select(p => p.Id));
        Assert.Equal(["p1", "p3", "p5"], disabled.Select(p => p.Id));
        Assert.Equal(6, all.Count);
    }

    [Fact]
    public async Task DeleteAsync_ReportsWhetherItExisted()
    {
        await Store.Policies.CreateAsync(Samples.Policy("p"));
        ResetStateChanges();

        Assert.True(await Store.Policies.DeleteAsync("p"));
        Assert.False(await Store.Policies.DeleteAsync("p"));

        Assert.Null(await Store.Policies.GetAsync("p"));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task Policies_SurviveReopenAndScan()
    {
        var created = await Store.Policies.CreateAsync(Samples.Policy("p"));

        await ReopenAsync();

        var scanned = new List<PolicyDocument>();
        await foreach (var policy in Store.Policies.ScanAsync())
        {
            scanned.Add(policy);
        }

        Assert.Equal([created], scanned);
    }
}
