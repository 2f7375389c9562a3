using System.Buffers;
using System.IO.Compression;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// How a block's lines are stored. Event lines are repetitive JSON, so even Brotli's fastest quality shrinks
/// them several times over, which keeps a sustained event stream within what the disk can absorb.
/// </summary>
internal static class BlockCompression
{
    /// <summary>Lines stored as written.</summary>
    public const int Plain = 0;

    /// <summary>Lines compressed with Brotli.</summary>
    public const int Brotli = 1;

    private const int Quality = 0;
    private const int Window = 18;

    /// <summary>Compresses <paramref name="lines"/> into a rented array; the caller returns it to the pool.</summary>
    public static (byte[] Rented, int Length) Compress(ReadOnlySpan<byte> lines)
    {
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(lines.Length));
        using var encoder = new BrotliEncoder(Quality, Window);
        var status = encoder.Compress(lines, rented, out _, out var written, isFinalBlock: true);
        if (status != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw new InvalidOperationException($"compressing an event block failed: {status}");
        }

        return (rented, written);
    }

    /// <summary>Gives back an array from <see cref="Compress"/>.</summary>
    public static void Release(byte[] rented) => ArrayPool<byte>.Shared.Return(rented);

    /// <summary>The lines of a stored block.</summary>
    /// <exception cref="InvalidDataException">The stored bytes do not decode: the block was damaged or altered.</exception>
    public static byte[] Decompress(int encoding, byte[] stored)
    {
        switch (encoding)
        {
            case Plain:
                return stored;
            case Brotli:
                return DecompressBrotli(stored);
            default:
                throw new InvalidDataException($"the block has unknown encoding {encoding}");
        }
    }

    private static byte[] DecompressBrotli(byte[] stored)
    {
        // The decoder, unlike the stream, tells a truncated or corrupt block from a complete one.
        using var decoder = new BrotliDecoder();
        var output = new byte[Math.Max(4096, stored.Length * 8)];
        var read = 0;
        var written = 0;
        while (true)
        {
            var status = decoder.Decompress(stored.AsSpan(read), output.AsSpan(written), out var consumed, out var produced);
            read += consumed;
            written += produced;
            switch (status)
            {
                case OperationStatus.Done when read == stored.Length:
                    return output.AsSpan(0, written).ToArray();
                case OperationStatus.DestinationTooSmall:
                    Array.Resize(ref output, output.Length * 2);
                    break;
                case OperationStatus.Done:
                    throw new InvalidDataException("the block's compressed lines are followed by stray bytes");
                case OperationStatus.NeedMoreData:
                    throw new InvalidDataException("the block's compressed lines are cut short");
                default:
                    throw new InvalidDataException("the block's compressed lines do not decode");
            }
        }
    }
}
