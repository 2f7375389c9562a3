using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mandate.Cedar.Authorization;

internal sealed partial class PolicyIndex
{
    /// <summary>
    /// The first entry filed under each key: an open-addressing table of keys, and in front of it a filter that
    /// answers "nothing filed here" for most keys that name no policy without reading the table.
    /// </summary>
    /// <remarks>
    /// A request draws every key from its lineages, a few dozen, and a large policy set files under a few of them.
    /// The table holds a key in 16 bytes, so over 100,000 policies it is megabytes, and most lookups would be a
    /// cache miss each. The filter is a blocked Bloom filter: one 64-bit word per key, chosen by the key's hash,
    /// with two of its bits set from the same hash, at about eight bits per key. That keeps it within a core's
    /// second-level cache for a hundred thousand keys, and lets through about one key in twenty that is not filed.
    /// </remarks>
    private sealed class KeyTable
    {
        private readonly ulong[] _filter;
        private readonly Slot[] _slots;
        private readonly int _filterMask;
        private readonly int _slotMask;

        private KeyTable(ulong[] filter, Slot[] slots)
        {
            _filter = filter;
            _slots = slots;
            _filterMask = filter.Length - 1;
            _slotMask = slots.Length - 1;
        }

        /// <summary>The first entry filed under <paramref name="key"/>, or -1 when none is.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Find(Key key)
        {
            var hash = Hash(key);
            var bits = FilterBits(hash);
            if ((_filter[(int)hash & _filterMask] & bits) != bits)
            {
                return -1;
            }

            for (var i = (int)(hash >> 32) & _slotMask; ; i = (i + 1) & _slotMask)
            {
                ref readonly var slot = ref _slots[i];
                if (slot.FirstEntry < 0)
                {
                    return -1;
                }

                if (slot.Principal == key.Principal && slot.Resource == key.Resource && slot.Action == key.Action)
                {
                    return slot.FirstEntry;
                }
            }
        }

        // A 64-bit mix of the three ids (the finalizer of SplitMix64 over a multiply-xor combination): the filter word
        // comes from the low bits, the two filter bits from the top twelve, the table slot from the high half.
        private static ulong Hash(Key key)
        {
            var hash = ((ulong)(uint)key.Principal * 0x9E3779B97F4A7C15UL)
                ^ ((ulong)(uint)key.Resource * 0xC2B2AE3D27D4EB4FUL)
                ^ ((ulong)(uint)key.Action * 0x165667B19E3779F9UL);
            hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
            hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
            return hash ^ (hash >> 31);
        }

        private static ulong FilterBits(ulong hash) => (1UL << (int)(hash >> 58)) | (1UL << (int)((hash >> 52) & 63));

        /// <summary>One filed key and its first entry; an empty slot has a negative entry.</summary>
        private readonly record struct Slot(int Principal, int Resource, int Action, int FirstEntry);

        public sealed class Builder(int capacity)
        {
            private readonly List<(Key Key, int FirstEntry)> _keys = new(capacity);

            public void Add(Key key, int firstEntry) => _keys.Add((key, firstEntry));

            public KeyTable Build()
            {
                // About eight filter bits per key (at least one word), and a table at most two-thirds full.
                var filter = new ulong[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _keys.Count / 8))];
                var slots = new Slot[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, (_keys.Count * 3) / 2 + 1))];
                Array.Fill(slots, new Slot(0, 0, 0, -1));
                var filterMask = filter.Length - 1;
                var slotMask = slots.Length - 1;
                foreach (var (key, firstEntry) in _keys)
                {
                    var hash = Hash(key);
                    filter[(int)hash & filterMask] |= FilterBits(hash);
                    var i = (int)(hash >> 32) & slotMask;
                    while (slots[i].FirstEntry >= 0)
                    {
                        i = (i + 1) & slotMask;
                    }

                    slots[i] = new Slot(key.Principal, key.Resource, key.Action, firstEntry);
                }

                return new KeyTable(filter, slots);
            }
        }
    }
}
