using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Events;

/// <summary>
/// The tamper-evident chain over the event stream. Events are stored in blocks of consecutive canonical lines
/// (<see cref="EventCodec"/>), each followed by a line feed; a block's link is SHA-256 of the previous link followed
/// by the SHA-256 digest of the block's bytes, starting from a fixed genesis value. Changing, removing, adding or
/// reordering any event changes its block's digest and so its link and every later one, and signed checkpoints pin
/// links. Beside each event a store keeps an 8-byte locator of its line, so verification names the event a change
/// was made to.
/// </summary>
/// <remarks>
/// A block's digest needs nothing but the block, so a store computes it where it encodes the block, in parallel with
/// other blocks; only the 64-byte step from one link to the next runs in order. Logs written before version 3 kept
/// other rules (<see cref="AuditLinkScheme"/>); their blocks keep verifying under them, and the chain runs on from
/// their last link.
/// </remarks>
public static class AuditChain
{
    /// <summary>Size of a link in bytes.</summary>
    public const int LinkSize = 32;

    /// <summary>Size of the per-event value a store keeps beside each line (a locator, or a link prefix in old blocks).</summary>
    public const int StoredLinkSize = 8;

    private const int StackLimit = 2048;

    /// <summary>The link before the first event.</summary>
    public static ReadOnlySpan<byte> Genesis => GenesisLink;

    private static readonly byte[] GenesisLink = SHA256.HashData(Encoding.ASCII.GetBytes("mandate audit chain v1"));

    /// <summary>
    /// Writes the link that follows <paramref name="previous"/> for <paramref name="content"/> (a block's digest; a
    /// block's lines in <see cref="AuditLinkScheme.BlockLink"/> blocks, or one event's line in
    /// <see cref="AuditLinkScheme.EventLinks"/> blocks) into <paramref name="link"/>, which may be the same memory as
    /// <paramref name="previous"/>.
    /// </summary>
    public static void Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> content, Span<byte> link)
    {
        if (previous.Length != LinkSize || link.Length < LinkSize)
        {
            throw new ArgumentException($"links are {LinkSize} bytes");
        }

        // A line or a small block: one-shot hashing over a copy on the stack costs less than an incremental hash
        // object. A block of thousands of lines: hashing in two parts saves copying megabytes.
        var length = LinkSize + content.Length;
        if (length <= StackLimit)
        {
            Span<byte> input = stackalloc byte[StackLimit];
            previous.CopyTo(input);
            content.CopyTo(input[LinkSize..]);
            SHA256.HashData(input[..length], link);
            return;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        hash.AppendData(content);
        hash.GetHashAndReset(link);
    }

    /// <summary>Writes the digest of a block's lines (each followed by a line feed) into <paramref name="digest"/>.</summary>
    public static void Digest(ReadOnlySpan<byte> lines, Span<byte> digest) => SHA256.HashData(lines, digest);

    /// <summary>
    /// Writes the link that follows <paramref name="previous"/> for a whole block of <paramref name="lines"/> linked
    /// under <paramref name="scheme"/> (<see cref="AuditLinkScheme.BlockDigest"/> or <see cref="AuditLinkScheme.BlockLink"/>)
    /// into <paramref name="link"/>.
    /// </summary>
    public static void NextBlock(AuditLinkScheme scheme, ReadOnlySpan<byte> previous, ReadOnlySpan<byte> lines, Span<byte> link)
    {
        switch (scheme)
        {
            case AuditLinkScheme.BlockDigest:
                Span<byte> digest = stackalloc byte[LinkSize];
                Digest(lines, digest);
                Next(previous, digest, link);
                break;
            case AuditLinkScheme.BlockLink:
                Next(previous, lines, link);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "only block schemes link a whole block");
        }
    }

    /// <summary>
    /// Writes the locator of one canonical line (XxHash3, little-endian) into <paramref name="destination"/>. Locators
    /// only say which event differs; the SHA-256 block link is what a forger cannot match.
    /// </summary>
    public static void Locate(ReadOnlySpan<byte> line, Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64LittleEndian(destination, XxHash3.HashToUInt64(line));
}

/// <summary>How a stored block is linked into the chain.</summary>
public enum AuditLinkScheme
{
    /// <summary>Version 1: every event is a link of its own; the block keeps each link's first 8 bytes.</summary>
    EventLinks = 1,

    /// <summary>Version 2: the block is one link, SHA-256 of the previous link and all its lines; the block keeps each line's locator.</summary>
    BlockLink = 2,

    /// <summary>
    /// Version 3: the block is one link, SHA-256 of the previous link and the SHA-256 digest of its lines; the block
    /// keeps each line's locator.
    /// </summary>
    BlockDigest = 3,
}
