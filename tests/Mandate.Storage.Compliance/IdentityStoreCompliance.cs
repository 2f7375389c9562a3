using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="IIdentityStore"/> must show.</summary>
public abstract class IdentityStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    public static void AssertSameIdentity(Identity expected, Identity actual)
    {
        Assert.Equal(expected with { Labels = actual.Labels }, actual);
        Assert.Equal(expected.Labels.OrderBy(l => l.Key, StringComparer.Ordinal), actual.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_NewIdentity_RoundTripsEveryFieldWithVersionOne()
    {
        var identity = Samples.Identity("agent-1");

        var created = await Store.Identities.CreateAsync(identity, []);

        Assert.Equal(1, created.Version);
        AssertSameIdentity(identity with { Version = 1 }, created);
        AssertSameIdentity(created, (await Store.Identities.GetAsync("agent-1"))!);
    }

    [Fact]
    public async Task CreateAsync_MinimalIdentity_RoundTripsNullsAndEmptyLabels()
    {
        var identity = new Identity { Id = "h", Kind = IdentityKind.Human, DisplayName = "H", CreatedAt = Samples.Time, UpdatedAt = Samples.Time };

        await Store.Identities.CreateAsync(identity, []);

        var read = (await Store.Identities.GetAsync("h"))!;
        AssertSameIdentity(identity with { Version = 1 }, read);
        Assert.Empty(read.Labels);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_IsConflict()
    {
        await Store.Identities.CreateAsync(Samples.Identity("a"), []);

        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Identities.CreateAsync(Samples.Identity("a", IdentityKind.Workload), []));
        Assert.Equal(IdentityKind.Agent, (await Store.Identities.GetAsync("a"))!.Kind);
    }

    [Fact]
    public async Task CreateAsync_WithCredentials_StoresThemTogether()
    {
        await Store.Identities.CreateAsync(Samples.Identity("a"), [Samples.ApiKey("c1", "a", "mnd_one"), Samples.PublicKey("c2", "a")]);

        var credentials = await Store.Credentials.ListForIdentityAsync("a");
        Assert.Equal(["c1", "c2"], credentials.Select(c => c.Id));
        Assert.All(credentials, c => Assert.Equal(1, c.Version));
    }

    [Fact]
    public async Task CreateAsync_CredentialIdConflict_RollsBackTheIdentity()
    {
        await Store.Identities.CreateAsync(Samples.Identity("first"), [Samples.PublicKey("taken", "first")]);
        ResetStateChanges();

        await AssertRefusedAsync(
            ErrorCode.Conflict,
            () => Store.Identities.CreateAsync(Samples.Identity("second"), [Samples.ApiKey("fresh", "second", "mnd_x"), Samples.PublicKey("taken", "second")]));

        Assert.Null(await Store.Identities.GetAsync("second"));
        Assert.Null(await Store.Credentials.GetAsync("fresh"));
        Assert.Null(await Store.Credentials.FindApiKeyAsync("mnd_x"));
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull() => Assert.Null(await Store.Identities.GetAsync("nobody"));

    [Fact]
    public async Task UpdateAsync_CurrentVersion_IncrementsVersionAndReplacesFields()
    {
        var created = await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        var changed = created with
        {
            DisplayName = "Renamed",
            Status = IdentityStatus.Suspended,
            Environment = null,
            Labels = new Dictionary<string, string> { ["only"] = "this" },
            UpdatedAt = Samples.Time.AddHours(3),
            ExpiresAt = null,
        };

        var updated = await Store.Identities.UpdateAsync(changed);

        Assert.Equal(2, updated.Version);
        AssertSameIdentity(changed with { Version = 2 }, updated);
        AssertSameIdentity(updated, (await Store.Identities.GetAsync("a"))!);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsVersionConflictAndChangesNothing()
    {
        var created = await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        await Store.Identities.UpdateAsync(created with { DisplayName = "first" });

        await AssertRefusedAsync(ErrorCode.VersionConflict, () => Store.Identities.UpdateAsync(created with { DisplayName = "second" }));

        var read = (await Store.Identities.GetAsync("a"))!;
        Assert.Equal("first", read.DisplayName);
        Assert.Equal(2, read.Version);
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_IsNotFound() =>
        await AssertRefusedAsync(ErrorCode.NotFound, () => Store.Identities.UpdateAsync(Samples.Identity("ghost") with { Version = 1 }));

    [Fact]
    public async Task TouchAsync_SetsLastUsedWithoutVersionOrStateChange()
    {
        await Store.Identities.CreateAsync(Samples.Identity("a") with { LastUsedAt = null }, []);
        ResetStateChanges();
        var usedAt = Samples.Time.AddDays(3).AddTicks(1);

        await Store.Identities.TouchAsync("a", usedAt);

        var read = (await Store.Identities.GetAsync("a"))!;
        Assert.Equal(usedAt, read.LastUsedAt);
        Assert.Equal(1, read.Version);
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task UpdateAsync_FromStaleRead_KeepsTheNewerTouch()
    {
        var created = await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        var touched = created.LastUsedAt!.Value.AddHours(5);
        await Store.Identities.TouchAsync("a", touched);

        var updated = await Store.Identities.UpdateAsync(created with { DisplayName = "renamed" });

        Assert.Equal(touched, updated.LastUsedAt);
        Assert.Equal(touched, (await Store.Identities.GetAsync("a"))!.LastUsedAt);
    }

    [Fact]
    public async Task StateChanged_RaisedOncePerCommittedChangeOnly()
    {
        var created = await Store.Identities.CreateAsync(Samples.Identity("a"), []);
        Assert.Equal(1, StateChanges);

        await Store.Identities.UpdateAsync(created);
        Assert.Equal(2, StateChanges);

        await AssertRefusedAsync(ErrorCode.VersionConflict, () => Store.Identities.UpdateAsync(created));
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.Identities.CreateAsync(Samples.Identity("a"), []));
        await Store.Identities.GetAsync("a");
        Assert.Equal(2, StateChanges);
    }

    [Fact]
    public async Task ScanAsync_StreamsEveryIdentity()
    {
        foreach (var id in new[] { "c", "a", "b" })
        {
            await Store.Identities.CreateAsync(Samples.Identity(id), []);
        }

        var ids = new List<string>();
        await foreach (var identity in Store.Identities.ScanAsync())
        {
            ids.Add(identity.Id);
        }

        Assert.Equal(["a", "b", "c"], ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Identities_SurviveReopen()
    {
        var created = await Store.Identities.CreateAsync(Samples.Identity("a"), [Samples.ApiKey("k", "a", "mnd_k")]);

        await ReopenAsync();

        AssertSameIdentity(created, (await Store.Identities.GetAsync("a"))!);
        Assert.Equal("k", (await Store.Credentials.FindApiKeyAsync("mnd_k"))!.Id);
    }
}
