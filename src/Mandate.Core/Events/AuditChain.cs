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

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        hash.AppendData(line);
        hash.GetHashAndReset(link);
    }
}
