using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IIdentityStore"/> must have.</summary>
public abstract class IdentityStoreCompliance(IStoreFactory factory) : StoreCompliance(factory)
{
    [Fact]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        var owner = await Store.Identities.CreateAsync(Human("alice"), []);
        var agent = Agent("bot", "alice", environment: "prod", labels: new Dictionary<string, string> { ["team"] = "finance", ["tier"] = "1" }) with
        {
            Purpose = "monthly close ✓",
            ExpiresAt = T0.AddDays(30),
            LastUsedAt = T0.AddMinutes(1),
            Kind = IdentityKind.Workload,
        };

        var created = await Store.Identities.CreateAsync(agent, []);
        var read = await Store.Identities.GetAsync("bot");

        Assert.Equal(1, owner.Version);
        Assert.Equal(1, created.Version);
        Assert.NotNull(read);
        Assert.Equal(agent.Id, read.Id);
        Assert.Equal(agent.Kind, read.Kind);
        Assert.Equal(agent.DisplayName, read.DisplayName);
        Assert.Equal(agent.Owner, read.Owner);
        Assert.Equal(agent.Purpose, read.Purpose);
        Assert.Equal(agent.Environment, read.Environment);
        Assert.Equal(agent.Labels.OrderBy(l => l.Key), read.Labels.OrderBy(l => l.Key));
        Assert.Equal(agent.Status, read.Status);
        Assert.Equal(agent.CreatedAt, read.CreatedAt);
        Assert.Equal(agent.CreatedAt.UtcTicks, read.CreatedAt.UtcTicks);
        Assert.Equal(agent.ExpiresAt, read.ExpiresAt);
        Assert.Equal(agent.LastUsedAt, read.LastUsedAt);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task Get_Unknown_ReturnsNull() => Assert.Null(await Store.Identities.GetAsync("nobody"));

    [Fact]
    public async Task Create_DuplicateId_IsConflict()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);

        var error = await Assert.ThrowsAsync<MandateException>(() => Store.Identities.CreateAsync(Human("alice", "Other"), []));

        Assert.Equal(ErrorCode.Conflict, error.Code);
        Assert.Equal("alice", (await Store.Identities.GetAsync("alice"))!.DisplayName);
    }

    [Fact]
    public async Task Create_WithConflictingCredential_WritesNothing()
    {
        await Store.Identities.CreateAsync(Human("alice"), [ApiKey("crd_1", "alice", "mnd_aaaaaaaa")]);

        await Assert.ThrowsAsync<MandateException>(() =>
            Store.Identities.CreateAsync(Agent("bot", "alice"), [ApiKey("crd_2", "bot", "mnd_bbbbbbbb"), ApiKey("crd_1", "bot", "mnd_cccccccc")]));

        Assert.Null(await Store.Identities.GetAsync("bot"));
        Assert.Null(await Store.Credentials.GetAsync("crd_2"));
    }

    [Fact]
    public async Task Update_BumpsVersion_AndRefusesStaleVersions()
    {
        var created = await Store.Identities.CreateAsync(Human("alice"), []);

        var updated = await Store.Identities.UpdateAsync(created with { DisplayName = "Alice Ng", Status = IdentityStatus.Suspended });
        var stale = await Assert.ThrowsAsync<MandateException>(() => Store.Identities.UpdateAsync(created with { DisplayName = "Old" }));
        var missing = await Assert.ThrowsAsync<MandateException>(() => Store.Identities.UpdateAsync(Human("ghost")));

        Assert.Equal(2, updated.Version);
        Assert.Equal(ErrorCode.VersionConflict, stale.Code);
        Assert.Equal(ErrorCode.NotFound, missing.Code);
        var read = await Store.Identities.GetAsync("alice");
        Assert.Equal("Alice Ng", read!.DisplayName);
        Assert.Equal(IdentityStatus.Suspended, read.Status);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task Touch_RecordsLastUse_WithoutVersionOrStateChange()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        var changes = 0;
        Store.StateChanged += (_, _) => changes++;

        await Store.Identities.TouchAsync("alice", T0.AddHours(1));
        await Store.Identities.TouchAsync("alice", T0.AddMinutes(5));

        var read = await Store.Identities.GetAsync("alice");
        Assert.Equal(T0.AddHours(1), read!.LastUsedAt);
        Assert.Equal(1, read.Version);
        Assert.Equal(0, changes);
    }

    [Fact]
    public async Task List_PagesInIdOrder_WithEveryFilter()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Identities.CreateAsync(Human("bob"), []);
        for (var i = 0; i < 12; i++)
        {
            await Store.Identities.CreateAsync(Agent($"a{i:D2}", i % 2 == 0 ? "alice" : "bob", parent: i > 5 ? "a00" : null,
                environment: i % 3 == 0 ? "prod" : "dev", labels: new Dictionary<string, string> { ["team"] = i < 4 ? "finance" : "ops" },
                status: i == 11 ? IdentityStatus.Suspended : IdentityStatus.Active), []);
        }

        var all = await AllPagesAsync(p => Store.Identities.ListAsync(new IdentityQuery(), p), 5);
        Assert.Equal(14, all.Count);
        Assert.Equal(all.Select(i => i.Id).Order(StringComparer.Ordinal), all.Select(i => i.Id));

        async Task<string[]> Ids(IdentityQuery query) =>
            [.. (await AllPagesAsync(p => Store.Identities.ListAsync(query, p), 3)).Select(i => i.Id)];

        Assert.Equal(["alice", "bob"], await Ids(new IdentityQuery { Kind = IdentityKind.Human }));
        Assert.Equal(["a11"], await Ids(new IdentityQuery { Status = IdentityStatus.Suspended }));
        Assert.Equal(6, (await Ids(new IdentityQuery { Owner = "alice" })).Length);
        Assert.Equal(["a06", "a07", "a08", "a09", "a10", "a11"], await Ids(new IdentityQuery { Parent = "a00" }));
        Assert.Equal(["a00", "a03", "a06", "a09"], await Ids(new IdentityQuery { Environment = "prod" }));
        Assert.Equal(12, (await Ids(new IdentityQuery { LabelKey = "team" })).Length);
        Assert.Equal(["a00", "a01", "a02", "a03"], await Ids(new IdentityQuery { LabelKey = "team", LabelValue = "finance" }));
        Assert.Equal(["a06"], await Ids(new IdentityQuery { Owner = "alice", Environment = "prod", Parent = "a00" }));
    }

    [Fact]
    public async Task List_Search_IsCaseInsensitiveAndTreatsWildcardsLiterally()
    {
        await Store.Identities.CreateAsync(Human("alice", "Alice 100% Real"), []);
        await Store.Identities.CreateAsync(Human("under_score", "Plain"), []);
        await Store.Identities.CreateAsync(Human("underXscore", "Other"), []);

        async Task<string[]> Search(string text) =>
            [.. (await Store.Identities.ListAsync(new IdentityQuery { Search = text }, new PageRequest())).Items.Select(i => i.Id)];

        Assert.Equal(["alice"], await Search("ALICE"));
        Assert.Equal(["alice"], await Search("100%"));
        Assert.Empty(await Search("1%0"));
        Assert.Equal(["under_score"], await Search("r_s"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PageRequest.MaxLimit + 1)]
    public async Task List_WithInvalidLimit_IsInvalidArgument(int limit)
    {
        var error = await Assert.ThrowsAsync<MandateException>(() => Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(limit)));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task List_WithMalformedCursor_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<MandateException>(() => Store.Identities.ListAsync(new IdentityQuery(), new PageRequest(10, "%%not-a-cursor%%")));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task StateChanged_FiresOncePerCommittedChange_AndNotForRefusals()
    {
        var changes = 0;
        Store.StateChanged += (_, _) => changes++;

        var alice = await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Identities.UpdateAsync(alice with { DisplayName = "A" });
        await Assert.ThrowsAsync<MandateException>(() => Store.Identities.CreateAsync(Human("alice"), []));

        Assert.Equal(2, changes);
    }

    [Fact]
    public async Task Scan_ReturnsEveryIdentity()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Identities.CreateAsync(Agent("bot", "alice"), []);

        Assert.Equal(["alice", "bot"], (await AllAsync(Store.Identities.ScanAsync())).Select(i => i.Id));
    }

    [Fact]
    public async Task Identities_SurviveReopen()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Identities.CreateAsync(Agent("bot", "alice", labels: new Dictionary<string, string> { ["k"] = "v" }), []);

        await ReopenAsync();

        var bot = await Store.Identities.GetAsync("bot");
        Assert.Equal("alice", bot!.Owner);
        Assert.Equal("v", bot.Labels["k"]);
        Assert.Equal(T0, bot.CreatedAt);
    }
}
