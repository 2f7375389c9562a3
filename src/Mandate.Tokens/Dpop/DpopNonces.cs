using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mandate.Tokens.Dpop;

/// <summary>
/// Server-provided DPoP nonces (RFC 9449 section 8) without server state: a nonce is a time step and a MAC over
/// it, valid in its own step and the next. Replicas that must accept each other's nonces share the key.
/// </summary>
public sealed class DpopNonces
{
    private const int MacLength = 16;
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _step;

    /// <summary>Creates a nonce source with a fresh random key.</summary>
    public DpopNonces(TimeProvider time, TimeSpan step)
        : this(RandomNumberGenerator.GetBytes(32), time, step)
    {
    }

    /// <summary>Creates a nonce source with a given 32-byte key.</summary>
    public DpopNonces(byte[] key, TimeProvider time, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32 || step <= TimeSpan.Zero)
        {
            throw new ArgumentException("a DPoP nonce key is 32 bytes and the step is positive");
        }

        _key = key;
        _time = time;
        _step = step;
    }

    /// <summary>The nonce to hand out now.</summary>
    public string Current() => Make(CurrentStep());

    /// <summary>Whether <paramref name="nonce"/> was made in this step or the previous one.</summary>
    public bool IsFresh(string? nonce)
    {
        if (nonce is null || nonce.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[8 + MacLength];
        try
        {
            if (!Base64Url.TryDecodeFromChars(nonce, bytes, out var written) || written != bytes.Length)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        var step = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var now = CurrentStep();
        if (step != now && step != now - 1)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, bytes[..8], expected);
        return CryptographicOperations.FixedTimeEquals(expected[..MacLength], bytes[8..]);
    }

    private long CurrentStep() => _time.GetUtcNow().ToUnixTimeSeconds() / (long)_step.TotalSeconds;

    private string Make(long step)
    {
        Span<byte> bytes = stackalloc byte[8 + MacLength];
        BinaryPrimitives.WriteInt64BigEndian(bytes, step);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, bytes[..8], mac);
        mac[..MacLength].CopyTo(bytes[8..]);
        return Base64Url.EncodeToString(bytes);
    }
}
