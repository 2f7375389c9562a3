using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Storage;

namespace Mandate.Server.Security;

/// <summary>
/// The bootstrap admin credential. Set by <c>MANDATE_ADMIN_TOKEN</c> for automation, otherwise generated at
/// first start and printed once. Only its SHA-256 hash is stored.
/// </summary>
internal sealed class AdminCredential
{
    public const string SettingKey = "admin.token.sha256";
    public const int MinimumLength = 24;
    private const string GeneratedPrefix = "mnd_admin_";

    private byte[] _hash = [];

    /// <summary>
    /// Installs the configured token, or generates one when none was ever set. Returns the generated
    /// token so the host can show it once; null when nothing new was generated.
    /// </summary>
    public async Task<string?> InitializeAsync(ISettingStore settings, string? configuredToken, CancellationToken cancellationToken)
    {
        if (configuredToken is not null)
        {
            if (configuredToken.Length < MinimumLength)
            {
                throw new InvalidOperationException(
                    $"MANDATE_ADMIN_TOKEN is shorter than {MinimumLength} characters; use a long random value");
            }

            var hash = HashOf(configuredToken);
            await settings.SetAsync(SettingKey, hash, cancellationToken);
            _hash = Encoding.ASCII.GetBytes(hash);
            return null;
        }

        var stored = await settings.GetAsync(SettingKey, cancellationToken);
        if (stored is not null)
        {
            _hash = Encoding.ASCII.GetBytes(stored);
            return null;
        }

        var token = GeneratedPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var generatedHash = HashOf(token);
        if (!await settings.TryAddAsync(SettingKey, generatedHash, cancellationToken))
        {
            // Another replica generated one first; theirs stands and was printed there.
            _hash = Encoding.ASCII.GetBytes((await settings.GetAsync(SettingKey, cancellationToken))!);
            return null;
        }

        _hash = Encoding.ASCII.GetBytes(generatedHash);
        return token;
    }

    /// <summary>Constant-time check of a presented bearer token.</summary>
    public bool Matches(string presented) =>
        _hash.Length > 0 && CryptographicOperations.FixedTimeEquals(_hash, Encoding.ASCII.GetBytes(HashOf(presented)));

    private static string HashOf(string token) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
