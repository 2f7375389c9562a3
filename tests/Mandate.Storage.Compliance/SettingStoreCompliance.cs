using Mandate.Core.Storage;

namespace Mandate.Storage.Compliance;

/// <summary>Behaviour every <see cref="ISettingStore"/> must show.</summary>
public abstract class SettingStoreCompliance(IStoreHarness harness) : StoreCompliance(harness)
{
    [Fact]
    public async Task GetAsync_UnknownKey_ReturnsNull() => Assert.Null(await Store.Settings.GetAsync("missing"));

    [Fact]
    public async Task SetAsync_ReplacesPreviousValue()
    {
        await Store.Settings.SetAsync("admin.token", "one");
        await Store.Settings.SetAsync("admin.token", "two");

        Assert.Equal("two", await Store.Settings.GetAsync("admin.token"));
    }

    [Fact]
    public async Task TryAddAsync_WritesOnlyWhenAbsent()
    {
        Assert.True(await Store.Settings.TryAddAsync("k", "first"));
        Assert.False(await Store.Settings.TryAddAsync("k", "second"));

        Assert.Equal("first", await Store.Settings.GetAsync("k"));
    }

    [Fact]
    public async Task SettingWrites_DoNotRaiseStateChanged()
    {
        await Store.Settings.SetAsync("k", "v");
        await Store.Settings.TryAddAsync("k2", "v");

        Assert.Equal(0, StateChanges);
    }

    [Fact]
    public async Task Settings_SurviveReopen()
    {
        var sealedKey = string.Concat(Enumerable.Repeat("sealed-key-material/", 200));
        await Store.Settings.SetAsync("signing.key", sealedKey);

        await ReopenAsync();

        Assert.Equal(sealedKey, await Store.Settings.GetAsync("signing.key"));
    }
}
