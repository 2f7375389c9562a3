using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

internal sealed partial class PolicyIndex
{
    /// <summary>
    /// Anchor ids by entity hash, in one open-addressing array of (hash, id) slots: a lookup reads the slots and
    /// never the entity objects. Ids are dense from 1; 0 means "open" (no anchor). Entities with equal hashes
    /// share an id.
    /// </summary>
    private sealed class AnchorTable
    {
        private const int Open = 0;

        // (hash << 32) | id, or 0 for an empty slot (ids start at 1).
        private readonly long[] _slots;
        private readonly int _mask;

        private AnchorTable(Dictionary<int, int> ids)
        {
            var size = 4;
            while (size < ids.Count * 2)
            {
                size <<= 1;
            }

            _slots = new long[size];
            _mask = size - 1;
            foreach (var (hash, id) in ids)
            {
                var i = Slot(hash);
                while (_slots[i] != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = ((long)hash << 32) | (uint)id;
            }
        }

        /// <summary>
        /// Writes the ids of the anchors in <paramref name="lineage"/> to <paramref name="destination"/>, preceded by
        /// the open id when <paramref name="withOpen"/>; returns how many. Each id is written once.
        /// </summary>
        public int Lookup(EntityUid[] lineage, Span<int> destination, bool withOpen)
        {
            var count = 0;
            if (withOpen)
            {
                destination[count++] = Open;
            }

            var first = count;
            foreach (var uid in lineage)
            {
                if (Find(uid.GetHashCode()) is var id and > 0 && !destination[first..count].Contains(id))
                {
                    destination[count++] = id;
                }
            }

            return count;
        }

        private int Find(int hash)
        {
            for (var i = Slot(hash); ; i = (i + 1) & _mask)
            {
                var slot = _slots[i];
                if (slot == 0)
                {
                    return Open;
                }

                if ((int)(slot >> 32) == hash)
                {
                    return (int)slot;
                }
            }
        }

        // Entity hashes are well mixed already (randomized string hashing); fold the high bits in for small tables.
        private int Slot(int hash) => (hash ^ (hash >>> 16)) & _mask;

        public sealed class Builder
        {
            private readonly Dictionary<int, int> _ids = [];

            /// <summary>How many ids were handed out (not counting the open id).</summary>
            public int Count => _ids.Count;

            /// <summary>The id for an anchor, or the open id for none.</summary>
            public int Intern(EntityUid? uid)
            {
                if (uid is null)
                {
                    return Open;
                }

                var hash = uid.GetHashCode();
                if (!_ids.TryGetValue(hash, out var id))
                {
                    _ids[hash] = id = _ids.Count + 1;
                }

                return id;
            }

            public AnchorTable Build() => new(_ids);
        }
    }
}
