using System.Buffers.Text;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Credentials;

/// <summary>
/// The API key format: <c>mnd_</c> + 8-character lookup id + 32 secret characters + 6-character CRC-32 checksum,
/// all Crockford base32. The fixed prefix and checksum let secret scanners find leaked keys without false
/// positives; only a SHA-256 hash is ever stored.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>The recognisable prefix of every Mandate API key.</summary>
    public const string Prefix = "mnd_";

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int LookupLength = 8;
    private const int SecretLength = 32;
    private const int ChecksumLength = 6;
    private const int BodyLength = LookupLength + SecretLength;

    /// <summary>Total length of a key.</summary>
    public const int Length = 4 + BodyLength + ChecksumLength;

    /// <summary>Creates a new key; the caller shows <c>Secret</c> once and stores only <c>Material</c>.</summary>
    public static (string Secret, ApiKeyMaterial Material) Generate()
    {
        Span<char> body = stackalloc char[BodyLength];
        Span<byte> random = stackalloc byte[BodyLength];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < BodyLength; i++)
        {
            body[i] = Alphabet[random[i] & 31];
        }

        var secret = string.Concat(Prefix, body, Checksum(body));
        return (secret, new ApiKeyMaterial(LookupPrefix(secret), Hash(secret)));
    }

    /// <summary>
    /// Checks the shape and checksum of a presented key and returns its lookup prefix; false for anything
    /// that is not a well-formed Mandate key (so typos fail before any store lookup).
    /// </summary>
    public static bool TryGetLookupPrefix(string candidate, out string lookupPrefix)
    {
        lookupPrefix = string.Empty;
        if (candidate.Length != Length || !candidate.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = candidate.AsSpan(Prefix.Length, BodyLength);
        foreach (var c in body)
        {
            if (Alphabet.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        if (!candidate.AsSpan(Prefix.Length + BodyLength).SequenceEqual(Checksum(body)))
        {
            return false;
        }

        lookupPrefix = LookupPrefix(candidate);
        return true;
    }

    /// <summary>Whether <paramref name="candidate"/> is the key behind <paramref name="material"/> (constant time).</summary>
    public static bool Matches(string candidate, ApiKeyMaterial material)
    {
        var expected = Encoding.ASCII.GetBytes(material.Hash);
        var actual = Encoding.ASCII.GetBytes(Hash(candidate));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static string LookupPrefix(string key) => key[..(Prefix.Length + LookupLength)];

    private static string Hash(string key) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Checksum(ReadOnlySpan<char> body)
    {
        Span<byte> ascii = stackalloc byte[BodyLength];
        Encoding.ASCII.GetBytes(body, ascii);
        var crc = Crc32.HashToUInt32(ascii);
        Span<char> chars = stackalloc char[ChecksumLength];
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(crc & 31)];
            crc >>= 5;
        }

        return new string(chars);
    }
}
