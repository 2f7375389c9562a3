using Mandate.Core.Storage;
using Mandate.Tokens.Keys;

namespace Mandate.Server.OAuth;

/// <summary>Keeps the sealed signing keys in the store's settings.</summary>
internal sealed class SettingsKeyRepository(ISettingStore settings) : ISealedKeyRepository
{
    private const string Key = "tokens.signing_keys";

    public Task<string?> LoadAsync(CancellationToken cancellationToken) => settings.GetAsync(Key, cancellationToken);

    public Task SaveAsync(string sealedKeys, CancellationToken cancellationToken) => settings.SetAsync(Key, sealedKeys, cancellationToken);
}
