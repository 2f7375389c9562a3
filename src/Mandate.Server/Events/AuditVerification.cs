using System.Text.Json;
using Mandate.Server.OAuth;
using Mandate.Storage.Sqlite;
using Mandate.Telemetry.Audit;
using Mandate.Tokens.Audit;
using Mandate.Tokens.Jose;
using Mandate.Tokens.Keys;

namespace Mandate.Server.Events;

/// <summary>
/// Offline verification of a data directory's audit log (<c>mandate audit verify</c>). Checkpoint signatures
/// are trusted when made by a key of a JWKS the caller saved (the strongest check: keep the published JWKS
/// somewhere the data directory's owner cannot write), or else by a key in the data directory's own sealed
/// key set, which needs the key-encryption key.
/// </summary>
public static class AuditVerification
{
    /// <summary>Verifies the audit log in <paramref name="options"/>' data directory.</summary>
    /// <param name="options">Names the data directory and, when not in it or the environment, the key-encryption key file.</param>
    /// <param name="trustedJwks">A JWKS document whose keys sign checkpoints; null to trust the directory's own key set.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="InvalidOperationException">The directory holds no Mandate data, or no key can be trusted.</exception>
    public static async Task<AuditReport> VerifyAsync(MandateServerOptions options, string? trustedJwks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(Path.Combine(options.DataDirectory, SqliteMandateStore.FileName)))
        {
            throw new InvalidOperationException($"`{options.DataDirectory}` is not a Mandate data directory (no {SqliteMandateStore.FileName})");
        }

        await using var store = await SqliteMandateStore.OpenAsync(options.DataDirectory, cancellationToken);
        var trusted = trustedJwks is null
            ? await DirectoryKeysAsync(options, store, cancellationToken)
            : Thumbprints(trustedJwks);
        return await AuditVerifier.VerifyAsync(store.Audit, c => CheckpointSignature.Check(c, jwk => trusted.Contains(jwk.Thumbprint)), cancellationToken);
    }

    private static async Task<HashSet<string>> DirectoryKeysAsync(MandateServerOptions options, SqliteMandateStore store, CancellationToken cancellationToken)
    {
        using var keys = new SigningKeyRing(new KeySealer(KeyEncryptionKey.LoadExisting(options)), new SettingsKeyRepository(store.Settings),
            TimeProvider.System, SigningKeyRingOptions.Default);
        await keys.LoadExistingAsync(cancellationToken);
        return Thumbprints(keys.JwksJson);
    }

    private static HashSet<string> Thumbprints(string jwks)
    {
        try
        {
            using var document = JsonDocument.Parse(jwks);
            return [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(k => PublicJwk.Parse(k).Thumbprint)];
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or JoseException)
        {
            throw new InvalidOperationException($"the trusted JWKS is not usable: {ex.Message}", ex);
        }
    }
}
