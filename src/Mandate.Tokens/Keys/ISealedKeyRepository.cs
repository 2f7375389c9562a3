namespace Mandate.Tokens.Keys;

/// <summary>Where the host keeps the sealed signing keys (for example its settings store).</summary>
public interface ISealedKeyRepository
{
    /// <summary>Reads the sealed key set, or null when none was saved.</summary>
    Task<string?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the sealed key set.</summary>
    Task SaveAsync(string sealedKeys, CancellationToken cancellationToken);
}
