using System.Buffers;
using System.IO.Compression;
using Mandate.Storage.Sqlite.Internal;
using ZstdSharp;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// How a block's lines are stored. New blocks are Zstandard frames at a fast negative level: event lines are
/// repetitive JSON, so even that shrinks them about four times, which keeps a sustained stream within what the disk
/// absorbs, and it compresses in about half the time of Brotli's fastest quality and decompresses in half the time
/// too (queries decompress every candidate block). Blocks written by earlier versions stay readable as they are.
/// </summary>
internal static class BlockCompression
{
    /// <summary>Lines stored as written (blocks upgraded from version 1 logs).</summary>
    public const int Plain = 0;

    /// <summary>Lines compressed with Brotli (written by earlier versions; read only).</summary>
    public const int Brotli = 1;

    /// <summary>Lines compressed as one Zstandard frame that records its content size.</summary>
    public const int Zstd = 2;

    // Measured on 4,096-event blocks of the benchmark's workload: level -2 compresses ~4.1x at ~360 ns per event,
    // Brotli quality 0 ~4.8x at ~670 ns; level 1 reaches ~6.9x but costs ~900 ns.
    private const int Level = -2;

    // New blocks hold at most EventBlockEncoder.MaxBlockBytes of lines (or one longer event), but blocks written before
    // blocks were cut by size hold up to 4,096 events of any length: whatever a writer's buffer could hold. A frame that
    // claims more than that, or more than its stored bytes can inflate to (every Zstandard block takes at least 4 bytes
    // and yields at most 128 KiB), is damaged; refusing it before inflating bounds the memory a bad row can take.
    private const long MaxInflation = (128 << 10) / 4;

    // A compression and a decompression context per pool thread: building one allocates its tables, reusing one is free.
    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    /// <summary>The encoding new blocks are written with.</summary>
    public static int Current => Zstd;

    /// <summary>Compresses <paramref name="lines"/> into a rented array; the caller returns it to the pool.</summary>
    public static (byte[] Rented, int Length) Compress(ReadOnlySpan<byte> lines)
    {
        var compressor = t_compressor ??= new Compressor(Level);
        var rented = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(lines.Length));
        try
        {
            return (rented, compressor.Wrap(lines, rented));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    /// <summary>Gives back an array from <see cref="Compress"/>.</summary>
    public static void Release(byte[] rented) => ArrayPool<byte>.Shared.Return(rented);

    /// <summary>The lines of a stored block, in an array of their own.</summary>
    /// <exception cref="InvalidDataException">The stored bytes do not decode: the block was damaged or altered.</exception>
    public static byte[] Decompress(int encoding, byte[] stored)
    {
        switch (encoding)
        {
            case Plain:
                return stored;
            case Zstd:
                var lines = new byte[ZstdLength(stored)];
                UnwrapZstd(stored, lines);
                return lines;
            case Brotli:
                return DecompressBrotli(stored);
            default:
                throw Unknown(encoding);
        }
    }

    /// <summary>
    /// The lines of a stored block, in a buffer on a pooled array that the caller disposes (a query reads a block's
    /// lines once and is done with them; a new array per block would be a large-object allocation each time).
    /// </summary>
    /// <exception cref="InvalidDataException">The stored bytes do not decode: the block was damaged or altered.</exception>
    public static PooledBuffer DecompressPooled(int encoding, ReadOnlySpan<byte> stored)
    {
        if (encoding != Zstd)
        {
            // Blocks written by earlier versions (plain or Brotli) are rare: decoded as always, then copied.
            var old = Decompress(encoding, stored.ToArray());
            var copy = new PooledBuffer(old.Length);
            old.CopyTo(copy.GetSpan(old.Length));
            copy.Advance(old.Length);
            return copy;
        }

        var length = ZstdLength(stored);
        var lines = new PooledBuffer(length);
        try
        {
            UnwrapZstd(stored, lines.GetSpan(length)[..length]);
            lines.Advance(length);
            return lines;
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    private static InvalidDataException Unknown(int encoding) => new($"the block has unknown encoding {encoding}");

    // The size a Zstandard frame records for its content, refused when it is more than a block holds.
    private static int ZstdLength(ReadOnlySpan<byte> stored)
    {
        try
        {
            var length = Decompressor.GetDecompressedSize(stored);
            return length <= (ulong)Math.Min(Array.MaxLength, stored.Length * MaxInflation)
                ? (int)length
                : throw new InvalidDataException($"the block's compressed lines claim {length} bytes, more than a block holds");
        }
        catch (ZstdException ex)
        {
            throw new InvalidDataException("the block's compressed lines do not decode", ex);
        }
    }

    // Decompresses a frame into exactly its recorded size: a frame followed by stray bytes or a second frame does not fit.
    private static void UnwrapZstd(ReadOnlySpan<byte> stored, Span<byte> lines)
    {
        try
        {
            var decompressor = t_decompressor ??= new Decompressor();
            if (decompressor.Unwrap(stored, lines) != lines.Length)
            {
                throw new InvalidDataException("the block's compressed lines are cut short");
            }
        }
        catch (ZstdException ex)
        {
            throw new InvalidDataException("the block's compressed lines do not decode", ex);
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
