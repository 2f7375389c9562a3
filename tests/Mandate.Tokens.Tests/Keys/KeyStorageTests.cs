using System.Security.Cryptography;
using System.Text;
using Mandate.Tokens.Keys;

namespace Mandate.Tokens.Tests.Keys;

public sealed class KeyStorageTests : IDisposable
{
    private readonly TokenWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Sealer_RoundTrips_AndRefusesWrongKeyPurposeOrTampering()
    {
        var sealer = new KeySealer(RandomNumberGenerator.GetBytes(32));
        var sealedValue = sealer.Seal("secret"u8, "purpose");

        Assert.Equal("secret", Encoding.UTF8.GetString(sealer.Open(sealedValue, "purpose")));
        Assert.DoesNotContain("secret", sealedValue, StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => new KeySealer(RandomNumberGenerator.GetBytes(32)).Open(sealedValue, "purpose"));
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(sealedValue, "other"));
        var parts = sealedValue.Split('.');
        var flipped = parts[2][..^1] + (parts[2][^1] == 'A' ? 'B' : 'A');
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open(string.Join('.', parts[0], parts[1], flipped, parts[3]), "purpose"));
        Assert.ThrowsAny<CryptographicException>(() => sealer.Open("not sealed", "purpose"));
    }

    [Fact]
    public async Task Ring_PersistsSealed_AndReloadsTheSameKeys()
    {
        Assert.NotNull(_world.SavedKeys);
        using var reloaded = new SigningKeyRing(new KeySealer(_world.Kek), _world, _world.Clock, SigningKeyRingOptions.Default);
        await reloaded.InitializeAsync(CancellationToken.None);

        Assert.Equal(_world.Keys.Current.KeyId, reloaded.Current.KeyId);
        Assert.Equal(_world.Keys.JwksJson, reloaded.JwksJson);
        Assert.DoesNotContain("\"d\"", reloaded.JwksJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ring_WithAnotherKek_RefusesToLoad()
    {
        using var wrong = new SigningKeyRing(new KeySealer(RandomNumberGenerator.GetBytes(32)), _world, _world.Clock, SigningKeyRingOptions.Default);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => wrong.InitializeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ChangingTheAlgorithm_RotatesAtOnce_KeepsTheOldKeyPublished_AndReloadsBoth()
    {
        var es256 = _world.Keys.Current.KeyId;
        using var eddsa = new SigningKeyRing(new KeySealer(_world.Kek), _world, _world.Clock, SigningKeyRingOptions.Default with { Algorithm = "EdDSA" });
        await eddsa.InitializeAsync(CancellationToken.None);

        Assert.Equal("EdDSA", eddsa.Current.Algorithm);
        Assert.NotNull(eddsa.Find(es256));
        Assert.Contains("\"OKP\"", eddsa.JwksJson, StringComparison.Ordinal);
        Assert.Contains("\"EC\"", eddsa.JwksJson, StringComparison.Ordinal);

        using var reloaded = new SigningKeyRing(new KeySealer(_world.Kek), _world, _world.Clock, SigningKeyRingOptions.Default with { Algorithm = "EdDSA" });
        await reloaded.InitializeAsync(CancellationToken.None);
        Assert.Equal(eddsa.Current.KeyId, reloaded.Current.KeyId);
        var signed = Mandate.Tokens.Jose.CompactJws.Sign("{}"u8, reloaded.Current, "at+jwt");
        using var parsed = Mandate.Tokens.Jose.CompactJws.Parse(signed, Mandate.Tokens.Jose.JwsAlgorithms.Issuer);
        Assert.True(parsed.Verify(eddsa.Current.PublicJwk));
    }
}
