using Mandate.Core.Credentials;
using Mandate.Core.Errors;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="Core.Storage.ICredentialStore"/> must have.</summary>
public abstract class CredentialStoreCompliance(IStoreFactory factory) : StoreCompliance(factory)
{
    public static TheoryData<CredentialMaterial> Materials => new()
    {
        new PublicKeyMaterial("""{"kty":"EC","crv":"P-256","x":"x","y":"y"}""", "kid-1", "thumb"),
        new ApiKeyMaterial("mnd_abcdefgh", "hash"),
        new FederatedTrustMaterial("https://ci.example", "repo:org/app:*", "mandate"),
        new CertificateThumbprintMaterial(new string('a', 64)),
    };

    [Theory]
    [MemberData(nameof(Materials))]
    public async Task Add_ThenGet_RoundTripsEveryKindOfMaterial(CredentialMaterial material)
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        var credential = new Credential
        {
            Id = "crd_1",
            IdentityId = "alice",
            Material = material,
            Description = "note",
            CreatedAt = T0,
            ExpiresAt = T0.AddDays(90),
            RotatedAt = T0.AddSeconds(1),
        };

        await Store.Credentials.AddAsync(credential);
        var read = await Store.Credentials.GetAsync("crd_1");

        Assert.NotNull(read);
        Assert.Equal(material, read.Material);
        Assert.Equal(material.Kind, read.Kind);
        Assert.Equal("note", read.Description);
        Assert.Equal(credential.ExpiresAt, read.ExpiresAt);
        Assert.Equal(credential.RotatedAt, read.RotatedAt);
        Assert.Equal(CredentialStatus.Active, read.Status);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task Add_ForUnknownIdentity_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<MandateException>(() => Store.Credentials.AddAsync(ApiKey("crd_1", "ghost", "mnd_aaaaaaaa")));
        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task Add_DuplicateId_IsConflict()
    {
        await Store.Identities.CreateAsync(Human("alice"), [ApiKey("crd_1", "alice", "mnd_aaaaaaaa")]);

        var error = await Assert.ThrowsAsync<MandateException>(() => Store.Credentials.AddAsync(ApiKey("crd_1", "alice", "mnd_bbbbbbbb")));

        Assert.Equal(ErrorCode.Conflict, error.Code);
    }

    [Fact]
    public async Task FindApiKey_FindsByPrefixOnly()
    {
        await Store.Identities.CreateAsync(Human("alice"), [ApiKey("crd_1", "alice", "mnd_aaaaaaaa")]);

        Assert.Equal("crd_1", (await Store.Credentials.FindApiKeyAsync("mnd_aaaaaaaa"))?.Id);
        Assert.Null(await Store.Credentials.FindApiKeyAsync("mnd_aaaaaaab"));
    }

    [Fact]
    public async Task Update_Revokes_WithOptimisticConcurrency()
    {
        await Store.Identities.CreateAsync(Human("alice"), [ApiKey("crd_1", "alice", "mnd_aaaaaaaa")]);
        var current = (await Store.Credentials.GetAsync("crd_1"))!;

        var revoked = await Store.Credentials.UpdateAsync(current with { Status = CredentialStatus.Revoked, RevokedAt = T0.AddDays(1) });
        var stale = await Assert.ThrowsAsync<MandateException>(() => Store.Credentials.UpdateAsync(current with { Description = "late" }));

        Assert.Equal(2, revoked.Version);
        Assert.Equal(ErrorCode.VersionConflict, stale.Code);
        var read = await Store.Credentials.GetAsync("crd_1");
        Assert.Equal(CredentialStatus.Revoked, read!.Status);
        Assert.Equal(T0.AddDays(1), read.RevokedAt);
    }

    [Fact]
    public async Task List_FiltersByIdentityAndKind_AndPages()
    {
        await Store.Identities.CreateAsync(Human("alice"), []);
        await Store.Identities.CreateAsync(Human("bob"), []);
        for (var i = 0; i < 7; i++)
        {
            await Store.Credentials.AddAsync(ApiKey($"crd_{i}", i < 5 ? "alice" : "bob", $"mnd_key{i}aaaa"));
        }

        await Store.Credentials.AddAsync(new Credential
        {
            Id = "crd_cert",
            IdentityId = "alice",
            Material = new CertificateThumbprintMaterial(new string('b', 64)),
            CreatedAt = T0,
        });

        var alice = await AllPagesAsync(p => Store.Credentials.ListAsync("alice", null, p), 2);
        var keys = await AllPagesAsync(p => Store.Credentials.ListAsync(null, CredentialKind.ApiKey, p), 3);
        var forIdentity = await Store.Credentials.ListForIdentityAsync("bob");

        Assert.Equal(6, alice.Count);
        Assert.Equal(7, keys.Count);
        Assert.Equal(["crd_5", "crd_6"], forIdentity.Select(c => c.Id));
    }

    [Fact]
    public async Task Touch_DoesNotBumpVersion()
    {
        await Store.Identities.CreateAsync(Human("alice"), [ApiKey("crd_1", "alice", "mnd_aaaaaaaa")]);

        await Store.Credentials.TouchAsync("crd_1", T0.AddHours(2));

        var read = await Store.Credentials.GetAsync("crd_1");
        Assert.Equal(T0.AddHours(2), read!.LastUsedAt);
        Assert.Equal(1, read.Version);
    }
}
