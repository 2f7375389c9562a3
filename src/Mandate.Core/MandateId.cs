using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mandate.Core;

/// <summary>Identifiers: generated ones are time-ordered and unguessable; supplied ones must be safe everywhere they travel.</summary>
public static class MandateId
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 128;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    // 128 bits in base32 digits.
    private const int EncodedLength = 26;

    /// <summary>
    /// Creates <c>{prefix}_{26 chars}</c>: 48 bits of milliseconds then 80 random bits, Crockford base32,
    /// so ids sort by creation time and cannot be guessed.
    /// </summary>
    public static string New(string prefix) => New(prefix, DateTimeOffset.UtcNow);

    /// <summary>
    /// Creates an id like <see cref="New(string)"/> whose time part is <paramref name="time"/>: the id of a record
    /// that carries its own time (an event) then sorts and reads as that time.
    /// </summary>
    public static string New(string prefix, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<char> chars = stackalloc char[NewLength(prefix)];
        Write(prefix, time, chars);
        return new string(chars);
    }

    /// <summary>The length of an id <see cref="New(string, DateTimeOffset)"/> makes with <paramref name="prefix"/>.</summary>
    public static int NewLength(string prefix) => prefix.Length + 1 + EncodedLength;

    /// <summary>
    /// Writes a new id like <see cref="New(string, DateTimeOffset)"/> into <paramref name="destination"/> (at least
    /// <see cref="NewLength"/> characters), for a caller that needs its characters rather than a string.
    /// </summary>
    public static void Write(string prefix, DateTimeOffset time, Span<char> destination)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, time.ToUnixTimeMilliseconds() << 16);
        RandomBytes.Fill(bytes[6..]);
        prefix.CopyTo(destination);
        destination[prefix.Length] = '_';

        // 128 bits as 26 base32 digits, most significant first: the low 60 bits, the next 60, then the top 8 (the
        // first digit's top two bits are always zero). Two 64-bit halves cost about 40% less than shifting one 128-bit
        // value.
        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        const ulong Sixty = (1UL << 60) - 1;
        var digits = destination.Slice(prefix.Length + 1, EncodedLength);
        Digits(digits[14..], low & Sixty);
        Digits(digits[2..14], ((low >> 60) | (high << 4)) & Sixty);
        Digits(digits[..2], high >> 56);
    }

    private static void Digits(Span<char> destination, ulong value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
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

    /// <summary>
    /// Bytes from the operating system's CSPRNG, drawn in blocks per thread: ids are made on every decision, and one
    /// call for 10 bytes costs more than the rest of the id. The bytes are as unguessable as each call's would be.
    /// </summary>
    private static class RandomBytes
    {
        private const int BlockSize = 4096;

        [ThreadStatic]
        private static byte[]? t_block;

        [ThreadStatic]
        private static int t_used;

        public static void Fill(Span<byte> destination)
        {
            if (destination.Length > BlockSize)
            {
                RandomNumberGenerator.Fill(destination);
                return;
            }

            var block = t_block ??= new byte[BlockSize];
            if (t_used == 0 || t_used + destination.Length > BlockSize)
            {
                RandomNumberGenerator.Fill(block);
                t_used = 0;
            }

            var taken = block.AsSpan(t_used, destination.Length);
            taken.CopyTo(destination);

            // Never hand the same bytes out twice, even to code that keeps a reference to this block.
            taken.Clear();
            t_used += destination.Length;
        }
    }
}
