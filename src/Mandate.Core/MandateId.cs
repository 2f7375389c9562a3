using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mandate.Core;

/// <summary>Identifiers: generated ones are time-ordered and unguessable; supplied ones must be safe everywhere they travel.</summary>
public static class MandateId
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 128;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>
    /// Creates <c>{prefix}_{26 chars}</c>: 48 bits of milliseconds then 80 random bits, Crockford base32,
    /// so ids sort by creation time and cannot be guessed.
    /// </summary>
    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16);
        RandomNumberGenerator.Fill(bytes[6..]);
        Span<char> chars = stackalloc char[26];
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return string.Concat(prefix, "_", chars);
    }

    /// <summary>
    /// Whether <paramref name="id"/> is an acceptable supplied id: 1 to 128 characters of letters, digits and
    /// <c>. _ - : @</c>, starting with a letter or digit.
    /// </summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-' or ':' or '@'))
            {
                return false;
            }
        }

        return true;
    }
}
