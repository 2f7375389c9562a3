using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Events;

/// <summary>
/// The tamper-evident chain over the event stream. Events are stored in blocks of consecutive canonical lines
/// (<see cref="EventCodec"/>), each followed by a line feed; a block's link is SHA-256 of the previous link followed
/// by the block's bytes, starting from a fixed genesis value. Changing, removing, adding or reordering any event
/// changes its block's link and every later one, and signed checkpoints pin links. Beside each event a store keeps
/// an 8-byte locator of its line, so verification names the event a change was made to.
/// </summary>
/// <remarks>
/// Logs written before version 2 chained every event on its own (<see cref="AuditLinkScheme.EventLinks"/>); such
/// blocks keep verifying under that rule, and the chain runs on from their last link.
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
    /// Writes the link that follows <paramref name="previous"/> for <paramref name="content"/> (a block's lines, or
    /// one event's line in <see cref="AuditLinkScheme.EventLinks"/> blocks) into <paramref name="link"/>, which may
    /// be the same memory as <paramref name="previous"/>.
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

    /// <summary>Version 2: the block is one link over all its lines; the block keeps each line's locator.</summary>
    BlockLink = 2,
}
