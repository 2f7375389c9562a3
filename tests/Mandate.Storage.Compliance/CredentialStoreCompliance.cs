using Mandate.Core.Credentials;
using Mandate.Core.Errors;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="ICredentialStore"/> must show.</summary>
public abstract class CredentialStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        await Store.Identities.CreateAsync(Samples.Identity("b"), []);
        ResetStateChanges();
    }

    public static TheoryData<string> Kinds => ["api", "public", "federated", "certificate"];

    private static Credential Sample(string kind, string id, string identityId) => kind switch
    {
        "api" => Samples.ApiKey(id, identityId, "mnd_" + id),
        "public" => Samples.PublicKey(id, identityId),
        "federated" => Samples.Federated(id, identityId),
        _ => Samples.Certificate(id, identityId),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AddAsync_EveryMaterialKind_RoundTripsEveryField(string kind)
    {
        var credential = Sample(kind, "c1", "a");

        var added = await Store.Credentials.AddAsync(credential);

        Assert.Equal(credential with { Version = 1 }, added);
        var read = (await Store.Credentials.GetAsync("c1"))!;
        Assert.Equal(added, read);
        Assert.Equal(credential.Kind, read.Kind);
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task AddAsync_UnknownIdentity_IsNotFound() =>
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Credentials.AddAsync(Samples.PublicKey("c", "ghost")));

    [Fact]
    public async Task AddAsync_DuplicateId_IsConflict()
    {
        await Store.Credentials.AddAsync(Samples.PublicKey("c", "a"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Credentials.AddAsync(Samples.Certificate("c", "b")));
        Assert.Equal(1, StateChanges);
    }

    [Fact]
    public async Task AddAsync_DuplicateApiKeyPrefix_IsConflict()
    {
        await Store.Credentials.AddAsync(Samples.ApiKey("k1", "a", "mnd_same"));

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Credentials.AddAsync(Samples.ApiKey("k2", "b", "mnd_same")));
        Assert.Null(await Store.Credentials.GetAsync("k2"));
    }

    [Fact]
    public async Task FindApiKeyAsync_ByPrefix_FindsOnlyThatKey()
    {
        await Store.Credentials.AddAsync(Samples.ApiKey("k1", "a", "mnd_one"));
        await Store.Credentials.AddAsync(Samples.ApiKey("k2", "a", "mnd_two"));

        Assert.Equal("k2", (await Store.Credentials.FindApiKeyAsync("mnd_two"))!.Id);
        Assert.Null(await Store.Credentials.FindApiKeyAsync("mnd_"));
        Assert.Null(await Store.Credentials.FindApiKeyAsync("mnd_three"));
    }

    [Fact]
    public async Task ListForIdentityAsync_ReturnsEveryStatusOfThatIdentityOnly()
    {
        await Store.Credentials.AddAsync(Samples.Federated("f", "a"));
        await Store.Credentials.AddAsync(Samples.PublicKey("p", "a"));
        await Store.Credentials.AddAsync(Samples.PublicKey("other", "b"));

        var credentials = await Store.Credentials.ListForIdentityAsync("a");

        Assert.Equal(["f", "p"], credentials.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Contains(credentials, c => c.Status == CredentialStatus.Revoked);
    }

    [Fact]
    public async Task ListAsync_FiltersByIdentityAndKind_AcrossPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.Credentials.AddAsync(Samples.ApiKey($"a-key-{i}", "a", $"mnd_a{i}"));
            await Store.Credentials.AddAsync(Samples.PublicKey($"a-pub-{i}", "a"));
            await Store.Credentials.AddAsync(Samples.ApiKey($"b-key-{i}", "b", $"mnd_b{i}"));
        }

        var keysOfA = await ReadAllPagesAsync(2, page => Store.Credentials.ListAsync("a", CredentialKind.ApiKey, page));
        var allOfB = await ReadAllPagesAsync(2, page => Store.Credentials.ListAsync("b", null, page));
        var publicKeys = await ReadAllPagesAsync(3, page => Store.Credentials.ListAsync(null, CredentialKind.PublicKey, page));
        var everything = await ReadAllPagesAsync(4, page => Store.Credentials.ListAsync(null, null, page));

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"a-key-{i}"), keysOfA.Select(c => c.Id));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"b-key-{i}"), allOfB.Select(c => c.Id));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"a-pub-{i}"), publicKeys.Select(c => c.Id));
        Assert.Equal(everything.Select(c => c.Id).Order(StringComparer.Ordinal), everything.Select(c => c.Id));
        Assert.Equal(15, everything.Count);
    }

    [Fact]
    public async Task ListAsync_BadPaging_IsInvalidArgument()
    {
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Credentials.ListAsync(null, null, new PageRequest(0)));
        await AssertRefusedAsync(ErrorCode.InvalidArgument, () => Store.Credentials.ListAsync(null, null, new PageRequest(5, "%%%")));
    }

    [Fact]
    public async Task UpdateAsync_Revoke_IncrementsVersion()
    {
        var added = await Store.Credentials.AddAsync(Samples.ApiKey("k", "a", "mnd_k"));
        var revoked = added with { Status = CredentialStatus.Revoked, RevokedAt = Samples.Time.AddDays(2) };

        var updated = await Store.Credentials.UpdateAsync(revoked);

        Assert.Equal(revoked with { Version = 2 }, updated);
        Assert.Equal(updated, await Store.Credentials.GetAsync("k"));
        Assert.Equal(2, StateChanges);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsVersionConflict()
    {
        var added = await Store.Credentials.AddAsync(Samples.PublicKey("p", "a"));
        await Store.Credentials.UpdateAsync(added with { Description = "one" });

        await AssertRefusedAsync(ErrorCode.VersionConflict, () => Store.Credentials.UpdateAsync(added with { Description = "two" }));
        Assert.Equal("one", (await Store.Credentials.GetAsync("p"))!.Description);
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_IsNotFound() =>
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Credentials.UpdateAsync(Samples.PublicKey("ghost", "a") with { Version = 1 }));

    [Fact]
    public async Task TouchAsync_SetsLastUsedWithoutVersionOrStateChange()
    {
        await Store.Credentials.AddAsync(Samples.PublicKey("p", "a"));
        ResetStateChanges();
        var usedAt = Samples.Time.AddDays(1).AddTicks(3);

        await Store.Credentials.TouchAsync("p", usedAt);

        var read = (await Store.Credentials.GetAsync("p"))!;
        Assert.Equal(usedAt, read.LastUsedAt);
        Assert.Equal(1, read.Version);
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task Credentials_SurviveReopen()
    {
        var added = await Store.Credentials.AddAsync(Samples.Federated("f", "a"));

        await ReopenAsync();

        Assert.Equal(added, await Store.Credentials.GetAsync("f"));
    }
}
