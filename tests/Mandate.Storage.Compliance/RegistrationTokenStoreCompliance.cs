using Mandate.Core.Errors;
using Mandate.Core.Identities;
using Mandate.Core.Registration;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="Core.Storage.IRegistrationTokenStore"/> must show.</summary>
public abstract class RegistrationTokenStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    private static RegistrationToken Token(string id, int maxUses = 2, DateTimeOffset? expires = null) => new()
    {
        Id = id,
        Hash = "hash-of-" + id,
        Owner = "alice",
        Kind = IdentityKind.Workload,
        Description = "ci runners",
        CreatedBy = "admin",
        CreatedAt = Samples.Time,
        ExpiresAt = expires ?? Samples.Time.AddDays(1),
        MaxUses = maxUses,
    };

    [Fact]
    public async Task AddAndGet_RoundTripEveryMember_AndSurviveReopen()
    {
        await Store.RegistrationTokens.AddAsync(Token("rgt_a"));
        await ReopenAsync();

        var read = await Store.RegistrationTokens.GetAsync("rgt_a");
        Assert.Equal(Token("rgt_a"), read);
        Assert.Null(await Store.RegistrationTokens.GetAsync("rgt_missing"));
        await AssertRefusedAsync(ErrorCode.Conflict, () => Store.RegistrationTokens.AddAsync(Token("rgt_a")));
        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task TryUse_CountsUsesUpToTheLimit_OnlyWithTheRightHash_AndBeforeExpiry()
    {
        await Store.RegistrationTokens.AddAsync(Token("rgt_b", maxUses: 2));

        Assert.Null(await Store.RegistrationTokens.TryUseAsync("rgt_b", "wrong-hash", Samples.Time));
        Assert.Equal(1, (await Store.RegistrationTokens.TryUseAsync("rgt_b", "hash-of-rgt_b", Samples.Time))!.Uses);
        Assert.Null(await Store.RegistrationTokens.TryUseAsync("rgt_b", "hash-of-rgt_b", Samples.Time.AddDays(2)));
        Assert.Equal(2, (await Store.RegistrationTokens.TryUseAsync("rgt_b", "hash-of-rgt_b", Samples.Time))!.Uses);
        Assert.Null(await Store.RegistrationTokens.TryUseAsync("rgt_b", "hash-of-rgt_b", Samples.Time));

        await Store.RegistrationTokens.ReturnUseAsync("rgt_b");
        Assert.Equal(1, (await Store.RegistrationTokens.GetAsync("rgt_b"))!.Uses);
    }

    [Fact]
    public async Task ConcurrentUses_NeverExceedTheLimit()
    {
        await Store.RegistrationTokens.AddAsync(Token("rgt_c", maxUses: 5));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Store.RegistrationTokens.TryUseAsync("rgt_c", "hash-of-rgt_c", Samples.Time)));

        Assert.Equal(5, results.Count(r => r is not null));
        Assert.Equal(5, (await Store.RegistrationTokens.GetAsync("rgt_c"))!.Uses);
    }

    [Fact]
    public async Task Revoke_StopsUse_KeepsTheFirstTime_AndListPages()
    {
        await Store.RegistrationTokens.AddAsync(Token("rgt_d"));
        await Store.RegistrationTokens.AddAsync(Token("rgt_e"));
        await Store.RegistrationTokens.AddAsync(Token("rgt_f"));

        Assert.Equal(Samples.Time, (await Store.RegistrationTokens.RevokeAsync("rgt_d", Samples.Time))!.RevokedAt);
        Assert.Equal(Samples.Time, (await Store.RegistrationTokens.RevokeAsync("rgt_d", Samples.Time.AddHours(1)))!.RevokedAt);
        Assert.Null(await Store.RegistrationTokens.RevokeAsync("rgt_missing", Samples.Time));
        Assert.Null(await Store.RegistrationTokens.TryUseAsync("rgt_d", "hash-of-rgt_d", Samples.Time));

        var first = await Store.RegistrationTokens.ListAsync(new Core.Storage.PageRequest(2));
        var second = await Store.RegistrationTokens.ListAsync(new Core.Storage.PageRequest(2, first.NextCursor));
        Assert.Equal(["rgt_d", "rgt_e", "rgt_f"], first.Items.Concat(second.Items).Select(t => t.Id));
        Assert.Null(second.NextCursor);
    }
}
