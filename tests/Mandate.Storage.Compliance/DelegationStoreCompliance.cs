using Mandate.Core.Delegations;
using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IDelegationStore"/> must show.</summary>
public abstract class DelegationStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private static DelegationNode Root(string id) => new()
    {
        TokenId = id,
        Kind = DelegationKind.Root,
        SubjectId = "alice",
        ClientId = "alice",
        CredentialIds = ["crd_alice"],
        Scope = "invoices:read invoices:write",
        Audiences = ["https://api.example"],
        IssuedAt = Samples.Time,
        ExpiresAt = Samples.Time.AddMinutes(5),
    };

    private static DelegationNode Child(string id, string parent, string actor, int minutes = 5) => new()
    {
        TokenId = id,
        ParentTokenId = parent,
        Kind = DelegationKind.Delegation,
        SubjectId = "alice",
        Actors = [actor, "agent"],
        ClientId = actor,
        CredentialIds = ["crd_" + actor, "crd_other"],
        ActorTokenId = "actor-" + id,
        Scope = "invoices:read",
        AuthorizationDetails = """[{"type":"mandate","actions":["read"],"resources":["Table::\"invoices\""],"purpose":"monthly-close"}]""",
        MayAct = "tool",
        Audiences = ["https://api.example", "urn:other"],
        IssuedAt = Samples.Time.AddSeconds(1),
        ExpiresAt = Samples.Time.AddMinutes(minutes),
    };

    [Fact]
    public async Task AddAsync_RoundTripsEveryField()
    {
        var root = Root("r");
        var child = Child("c", "r", "sub-agent");

        await Store.Delegations.AddAsync([root, child]);

        AssertSame(root, (await Store.Delegations.GetAsync("r"))!);
        AssertSame(child, (await Store.Delegations.GetAsync("c"))!);
        Assert.Equal(2, (await Store.Delegations.GetAsync("c"))!.Depth);
        Assert.Null(await Store.Delegations.GetAsync("missing"));
    }

    [Fact]
    public async Task AddAsync_DuplicateTokenId_IsConflictAndWritesNothingOfTheBatch()
    {
        await Store.Delegations.AddAsync([Root("r")]);

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Delegations.AddAsync([Child("new", "r", "a"), Root("r")]));

        Assert.Null(await Store.Delegations.GetAsync("new"));
    }

    [Fact]
    public async Task ListChildrenAsync_PagesTheDirectChildrenInTokenIdOrder()
    {
        await Store.Delegations.AddAsync([Root("r"), .. Enumerable.Range(0, 7).Select(i => Child($"c{i}", "r", "a")), Child("grandchild", "c0", "b")]);

        var children = await ReadAllPagesAsync(3, page => Store.Delegations.ListChildrenAsync("r", page));

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"c{i}"), children.Select(c => c.TokenId));
        Assert.Empty((await Store.Delegations.ListChildrenAsync("grandchild", new PageRequest())).Items);
    }

    [Fact]
    public async Task RevokeAsync_FirstRecordStands()
    {
        var first = new TokenRevocation("t", Samples.Time, Samples.Time.AddMinutes(5), "alice", "lost laptop");

        Assert.True(await Store.Delegations.RevokeAsync(first));
        Assert.False(await Store.Delegations.RevokeAsync(first with { RevokedBy = "admin", Reason = null }));

        Assert.Equal(first, await Store.Delegations.GetRevocationAsync("t"));
        Assert.Null(await Store.Delegations.GetRevocationAsync("other"));
    }

    [Fact]
    public async Task Scans_ReturnOnlyWhatIsLiveAtTheGivenTime()
    {
        await Store.Delegations.AddAsync([Root("r"), Child("short", "r", "a", minutes: 1), Child("long", "r", "a", minutes: 4)]);
        await Store.Delegations.RevokeAsync(new TokenRevocation("short", Samples.Time, Samples.Time.AddMinutes(1), "admin"));
        await Store.Delegations.RevokeAsync(new TokenRevocation("long", Samples.Time, Samples.Time.AddMinutes(4), "admin"));

        var at = Samples.Time.AddMinutes(2);
        var nodes = new List<string>();
        await foreach (var node in Store.Delegations.ScanAsync(at))
        {
            nodes.Add(node.TokenId);
        }

        var revoked = new List<string>();
        await foreach (var revocation in Store.Delegations.ScanRevocationsAsync(at))
        {
            revoked.Add(revocation.TokenId);
        }

        Assert.Equal(["long", "r"], nodes.Order(StringComparer.Ordinal));
        Assert.Equal(["long"], revoked);
    }

    [Fact]
    public async Task PurgeExpiredAsync_ForgetsExpiredNodesAndRevocations()
    {
        await Store.Delegations.AddAsync([Root("r"), Child("short", "r", "a", minutes: 1)]);
        await Store.Delegations.RevokeAsync(new TokenRevocation("short", Samples.Time, Samples.Time.AddMinutes(1), "admin"));

        Assert.Equal(2, await Store.Delegations.PurgeExpiredAsync(Samples.Time.AddMinutes(2)));

        Assert.Null(await Store.Delegations.GetAsync("short"));
        Assert.Null(await Store.Delegations.GetRevocationAsync("short"));
        Assert.NotNull(await Store.Delegations.GetAsync("r"));
    }

    [Fact]
    public async Task DelegationWrites_DoNotRaiseStateChanged()
    {
        await Store.Delegations.AddAsync([Root("r")]);
        await Store.Delegations.RevokeAsync(new TokenRevocation("r", Samples.Time, Samples.Time.AddMinutes(5), "admin"));
        await Store.Delegations.PurgeExpiredAsync(Samples.Time);

        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task GraphAndRevocations_SurviveReopen()
    {
        await Store.Delegations.AddAsync([Root("r"), Child("c", "r", "a")]);
        await Store.Delegations.RevokeAsync(new TokenRevocation("r", Samples.Time, Samples.Time.AddMinutes(5), "alice"));

        await ReopenAsync();

        AssertSame(Child("c", "r", "a"), (await Store.Delegations.GetAsync("c"))!);
        Assert.Equal("alice", (await Store.Delegations.GetRevocationAsync("r"))!.RevokedBy);
    }

    private static void AssertSame(DelegationNode expected, DelegationNode actual)
    {
        Assert.Equal(expected.TokenId, actual.TokenId);
        Assert.Equal(expected.ParentTokenId, actual.ParentTokenId);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.SubjectId, actual.SubjectId);
        Assert.Equal(expected.Actors, actual.Actors);
        Assert.Equal(expected.ClientId, actual.ClientId);
        Assert.Equal(expected.CredentialIds, actual.CredentialIds);
        Assert.Equal(expected.ActorTokenId, actual.ActorTokenId);
        Assert.Equal(expected.Scope, actual.Scope);
        Assert.Equal(expected.AuthorizationDetails, actual.AuthorizationDetails);
        Assert.Equal(expected.MayAct, actual.MayAct);
        Assert.Equal(expected.Audiences, actual.Audiences);
        Assert.Equal(expected.IssuedAt, actual.IssuedAt);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
    }
}
