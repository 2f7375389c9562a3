using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Tokens.Keys;

/// <summary>
/// Encrypts private keys at rest with AES-256-GCM under a key-encryption key (KEK). The sealed form is
/// <c>v1.{nonce}.{ciphertext}.{tag}</c> (base64url); a wrong KEK or any modification fails to open.
/// </summary>
public sealed class KeySealer
{
    private const string Version = "v1";
    private readonly byte[] _kek;

    /// <summary>Uses a 32-byte KEK.</summary>
    public KeySealer(byte[] keyEncryptionKey)
    {
        if (keyEncryptionKey.Length != 32)
        {
            throw new ArgumentException("the key-encryption key must be 32 bytes", nameof(keyEncryptionKey));
        }

        _kek = keyEncryptionKey;
    }

    /// <summary>Encrypts <paramref name="plaintext"/>, binding it to <paramref name="purpose"/> (associated data).</summary>
    public string Seal(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_kek, 16);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(purpose));
        return string.Join('.', Version, Base64Url.EncodeToString(nonce), Base64Url.EncodeToString(ciphertext), Base64Url.EncodeToString(tag));
    }

    /// <summary>Decrypts a sealed value.</summary>
    /// <exception cref="CryptographicException">Wrong KEK, wrong purpose, or the value was modified.</exception>
    public byte[] Open(string sealedValue, string purpose)
    {
        var parts = sealedValue.Split('.');
        if (parts.Length != 4 || parts[0] != Version)
        {
            throw new CryptographicException("the sealed value is not in a known format");
        }

        try
        {
            var nonce = Base64Url.DecodeFromChars(parts[1]);
            var ciphertext = Base64Url.DecodeFromChars(parts[2]);
            var tag = Base64Url.DecodeFromChars(parts[3]);
            var plaintext = new byte[ciphertext.Length];
            using var aes = new AesGcm(_kek, 16);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, Encoding.UTF8.GetBytes(purpose));
            return plaintext;
        }
        catch (FormatException)
        {
            throw new CryptographicException("the sealed value is not base64url");
        }
        catch (ArgumentException)
        {
            throw new CryptographicException("the sealed value has the wrong lengths");
        }
    }
}
