namespace Mandate.Core.Storage;

/// <summary>Small named values owned by the control plane itself (hashed admin credentials, sealed keys).</summary>
public interface ISettingStore
{
    /// <summary>Reads a value, or null.</summary>
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a value, replacing any previous one.</summary>
    Task SetAsync(string key, string value, CancellationToken cancellationToken = default);

    /// <summary>Writes a value only when the key is absent; true when this call wrote it.</summary>
    Task<bool> TryAddAsync(string key, string value, CancellationToken cancellationToken = default);
}
