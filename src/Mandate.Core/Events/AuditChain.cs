using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Events;

/// <summary>
/// The tamper-evident chain over the event stream: each event's link is SHA-256 of the previous link followed
/// by the event's canonical line (<see cref="EventCodec"/>), starting from a fixed genesis value. Changing,
/// removing, adding or reordering any event changes every later link, and signed checkpoints pin links.
/// </summary>
public static class AuditChain
{
    /// <summary>Size of a link in bytes.</summary>
    public const int LinkSize = 32;

    /// <summary>
    /// Bytes of each event's link a store keeps beside the event: enough to name the event a change was made to
    /// (a forger would need about 2^64 tries to match them), while the full link is kept at the end of every
    /// stored block and in every signed checkpoint.
    /// </summary>
    public const int StoredLinkSize = 8;

    private const int StackLimit = 2048;

    /// <summary>The link before the first event.</summary>
    public static ReadOnlySpan<byte> Genesis => GenesisLink;

    private static readonly byte[] GenesisLink = SHA256.HashData(Encoding.ASCII.GetBytes("mandate audit chain v1"));

    /// <summary>Writes the link that follows <paramref name="previous"/> for <paramref name="line"/> into <paramref name="link"/>.</summary>
    public static void Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> line, Span<byte> link)
    {
        if (previous.Length != LinkSize || link.Length < LinkSize)
        {
            throw new ArgumentException($"links are {LinkSize} bytes");
        }

        // One-shot hashing over a copy is several times cheaper than an incremental hash object per event.
        var length = LinkSize + line.Length;
        byte[]? rented = null;
        var input = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        previous.CopyTo(input);
        line.CopyTo(input[LinkSize..]);
        SHA256.HashData(input[..length], link);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
