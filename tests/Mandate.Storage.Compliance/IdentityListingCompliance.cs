using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Filters, search and keyset paging of <see cref="IIdentityStore.ListAsync"/>.</summary>
public abstract class IdentityListingCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private Task<List<Identity>> ListAllAsync(IdentityQuery query, int limit = 2) =>
        ReadAllPagesAsync(limit, page => Store.Identities.ListAsync(query, page));

    private async Task SeedAsync()
    {
        await Store.Identities.CreateAsync(Samples.Human("alice"), []);
        await Store.Identities.CreateAsync(Samples.Identity("agent-1"), []);
        await Store.Identities.CreateAsync(Samples.Identity("agent-2") with { Status = IdentityStatus.Suspended, Environment = "staging" }, []);
        await Store.Identities.CreateAsync(Samples.Identity("agent-3") with { Owner = "bob", Parent = "agent-1", Labels = new Dictionary<string, string> { ["team"] = "ops" } }, []);
        await Store.Identities.CreateAsync(Samples.Identity("svc-1", IdentityKind.ServiceAccount, "Billing Runner"), []);
        await Store.Identities.CreateAsync(Samples.Identity("wl-1", IdentityKind.Workload, "100%_done"), []);
        await Store.Identities.CreateAsync(Samples.Identity("wl-2", IdentityKind.Workload, "100 percent"), []);
    }

    [Fact]
    public async Task ListAsync_NoFilter_PagesThroughAllInIdOrder()
    {
        await SeedAsync();

        var all = await ListAllAsync(new IdentityQuery());

        Assert.Equal(["agent-1", "agent-2", "agent-3", "alice", "svc-1", "wl-1", "wl-2"], all.Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_LastPage_HasNullCursor()
    {
        await SeedAsync();

        var page = await Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(7));

        Assert.Equal(7, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData(IdentityKind.Agent, "agent-1,agent-2,agent-3")]
    [InlineData(IdentityKind.Workload, "wl-1,wl-2")]
    [InlineData(IdentityKind.Human, "alice")]
    public async Task ListAsync_ByKind_PagesOnlyThatKind(IdentityKind kind, string expected)
    {
        await SeedAsync();

        var found = await ListAllAsync(new IdentityQuery { Kind = kind }, limit: 1);

        Assert.Equal(expected.Split(','), found.Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_EveryFilter_Combines()
    {
        await SeedAsync();

        Assert.Equal(["agent-2"], (await ListAllAsync(new IdentityQuery { Status = IdentityStatus.Suspended })).Select(i => i.Id));
        Assert.Equal(["agent-3"], (await ListAllAsync(new IdentityQuery { Owner = "bob" })).Select(i => i.Id));
        Assert.Equal(["agent-3"], (await ListAllAsync(new IdentityQuery { Parent = "agent-1" })).Select(i => i.Id));
        Assert.Equal(["agent-2"], (await ListAllAsync(new IdentityQuery { Environment = "staging" })).Select(i => i.Id));
        Assert.Equal(["agent-3"], (await ListAllAsync(new IdentityQuery { LabelKey = "team", LabelValue = "ops" })).Select(i => i.Id));
        Assert.Equal(7, (await ListAllAsync(new IdentityQuery { LabelKey = "team" })).Count);
        Assert.Empty(await ListAllAsync(new IdentityQuery { LabelKey = "missing" }));
        Assert.Equal(
            ["agent-1"],
            (await ListAllAsync(new IdentityQuery { Kind = IdentityKind.Agent, Status = IdentityStatus.Active, Owner = "alice", Environment = "production" })).Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_Search_IsCaseInsensitiveSubstringOfIdOrDisplayName()
    {
        await SeedAsync();

        Assert.Equal(["svc-1"], (await ListAllAsync(new IdentityQuery { Search = "bILLing" })).Select(i => i.Id));
        Assert.Equal(["agent-1", "agent-2", "agent-3"], (await ListAllAsync(new IdentityQuery { Search = "GENT-" })).Select(i => i.Id));
    }

    [Theory]
    [InlineData("%", "wl-1")]
    [InlineData("_", "wl-1")]
    [InlineData("0%_d", "wl-1")]
    [InlineData("100%", "wl-1")]
    public async Task ListAsync_SearchWithLikeWildcards_MatchesThemLiterally(string search, string expected)
    {
        await SeedAsync();

        var found = await ListAllAsync(new IdentityQuery { Search = search });

        Assert.Equal([expected], found.Select(i => i.Id));
    }

    [Fact]
    public async Task ListAsync_SearchWithBackslash_MatchesLiterally()
    {
        await Store.Identities.CreateAsync(Samples.Identity("a", displayName: @"C:\agents"), []);
        await Store.Identities.CreateAsync(Samples.Identity("b", displayName: "C:agents"), []);

        Assert.Equal(["a"], (await ListAllAsync(new IdentityQuery { Search = @":\a" })).Select(i => i.Id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxLimit + 1)]
    public async Task ListAsync_LimitOutOfRange_IsInvalidArgument(int limit) =>
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(limit)));

    [Fact]
    public async Task ListAsync_MaxLimit_IsAccepted()
    {
        await SeedAsync();

        Assert.Equal(7, (await Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(PageRequest.MaxLimit))).Items.Count);
    }

    [Theory]
    [InlineData("!!not base64!!")]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("_w")]
    public async Task ListAsync_TamperedCursor_IsInvalidArgument(string cursor) =>
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(2, cursor)));

    [Fact]
    public async Task ListAsync_CursorFromOnePage_ContinuesAfterItsLastItem()
    {
        await SeedAsync();

        var first = await Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(3));
        await Store.Identities.CreateAsync(Samples.Identity("aaa-before-cursor"), []);
        var second = await Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(3, first.NextCursor));

        Assert.Equal(["agent-1", "agent-2", "agent-3"], first.Items.Select(i => i.Id));
        Assert.Equal(["alice", "svc-1", "wl-1"], second.Items.Select(i => i.Id));
    }
}
