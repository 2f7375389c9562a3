using System.Numerics;

namespace Mandate.Storage.Sqlite.Events;

/// <summary>
/// A Bloom filter over the identities taking part in a block (actors and delegators), stored beside the block:
/// an identity query skips every block whose filter rules the identity out without reading the block, at a
/// cost of a few bytes per distinct identity instead of an index row per identity and block. About one block
/// in a hundred that lacks the identity is read anyway and filtered exactly.
/// </summary>
internal static class ParticipantFilter
{
    private const int Probes = 7;
    private const int BitsPerIdentity = 10;
    private const int MinBits = 256;

    /// <summary>Builds the filter of <paramref name="identities"/> (hashes from <see cref="Hash"/>).</summary>
    public static byte[] Build(IReadOnlyCollection<ulong> identities)
    {
        var bits = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinBits, identities.Count * BitsPerIdentity));
        var filter = new byte[bits / 8];
        foreach (var hash in identities)
        {
            foreach (var bit in Bits(hash, bits))
            {
                filter[bit >> 3] |= (byte)(1 << (bit & 7));
            }
        }

        return filter;
    }

    /// <summary>Whether the block may hold <paramref name="hash"/>; false only when it certainly does not.</summary>
    public static bool MayContain(ReadOnlySpan<byte> filter, ulong hash)
    {
        if (filter.IsEmpty)
        {
            return true;
        }

        foreach (var bit in Bits(hash, filter.Length * 8))
        {
            if ((filter[bit >> 3] & (1 << (bit & 7))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A stable 64-bit hash of an identity id (the same in every process and on every machine).</summary>
    public static ulong Hash(string identity) => Core.Events.EncodedEvents.Hash(identity);

    private static BitPositions Bits(ulong hash, int bits) => new(hash, bits);

    /// <summary>Double hashing: probe i is h1 + i * h2 modulo the (power of two) filter size.</summary>
    private struct BitPositions(ulong hash, int bits)
    {
        private readonly uint _first = (uint)hash;
        private readonly uint _step = (uint)(hash >> 32) | 1;
        private int _probe = -1;

        public readonly BitPositions GetEnumerator() => this;

        public readonly int Current => (int)((_first + ((uint)_probe * _step)) & (uint)(bits - 1));

        public bool MoveNext() => ++_probe < Probes;
    }
}
