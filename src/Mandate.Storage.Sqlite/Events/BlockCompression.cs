using System.Buffers;
using System.IO.Compression;
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

    // A block is at most a few megabytes; refusing to inflate a (damaged) frame that claims more bounds the memory a
    // bad row can take.
    private const long MaxLinesLength = 256L << 20;

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
    public static byte[] Decompress(int encoding, byte[] stored) => encoding switch
    {
        Plain => stored,
        Zstd => DecompressZstd(stored, rent: false).Buffer,
        Brotli => DecompressBrotli(stored),
        _ => throw Unknown(encoding),
    };

    /// <summary>
    /// The lines of a stored block, in an array rented from the shared pool (a query reads a block's lines once and
    /// is done with them; a new array per block would be a large-object allocation each time).
    /// </summary>
    /// <exception cref="InvalidDataException">The stored bytes do not decode: the block was damaged or altered.</exception>
    public static BlockLines DecompressRented(int encoding, ReadOnlySpan<byte> stored)
    {
        switch (encoding)
        {
            case Zstd:
                var (buffer, length) = DecompressZstd(stored, rent: true);
                return new BlockLines(buffer, length);
            case Plain or Brotli:
                // Blocks written by earlier versions: rare, and not worth a pooled path of their own.
                ReadOnlySpan<byte> lines = encoding == Plain ? stored : DecompressBrotli(stored.ToArray());
                var copy = ArrayPool<byte>.Shared.Rent(lines.Length);
                lines.CopyTo(copy);
                return new BlockLines(copy, lines.Length);
            default:
                throw Unknown(encoding);
        }
    }

    private static InvalidDataException Unknown(int encoding) => new($"the block has unknown encoding {encoding}");

    private static (byte[] Buffer, int Length) DecompressZstd(ReadOnlySpan<byte> stored, bool rent)
    {
        try
        {
            var length = Decompressor.GetDecompressedSize(stored);
            if (length > MaxLinesLength)
            {
                throw new InvalidDataException($"the block's compressed lines claim {length} bytes, more than a block holds");
            }

            // The frame records its size, and a frame followed by stray bytes or a second frame does not fit the output.
            var output = rent ? ArrayPool<byte>.Shared.Rent((int)length) : new byte[length];
            try
            {
                var decompressor = t_decompressor ??= new Decompressor();
                return decompressor.Unwrap(stored, output.AsSpan(0, (int)length)) == (int)length
                    ? (output, (int)length)
                    : throw new InvalidDataException("the block's compressed lines are cut short");
            }
            catch when (rent)
            {
                ArrayPool<byte>.Shared.Return(output);
                throw;
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

/// <summary>A block's decompressed lines in an array rented from the shared pool; disposing gives it back.</summary>
internal readonly struct BlockLines(byte[] buffer, int length) : IDisposable
{
    /// <summary>The lines.</summary>
    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

    /// <inheritdoc />
    public void Dispose()
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
