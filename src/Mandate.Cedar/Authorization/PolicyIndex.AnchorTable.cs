using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

internal sealed partial class PolicyIndex
{
    /// <summary>
    /// Exact anchor ids by entity: an open-addressing array of (hash, id) slots, and each anchor's type and id
    /// copied into compact arrays built together, so telling an anchor from a hash-equal stranger reads those
    /// arrays (which stay in cache) and never the policies' own scope entities (scattered over the heap). Ids are
    /// dense from 1; 0 means "open" (no anchor).
    /// </summary>
    private sealed class AnchorTable
    {
        private const int Open = 0;

        // (hash << 32) | id, or 0 for an empty slot (ids start at 1).
        private readonly long[] _slots;
        private readonly int _mask;

        // The anchor with id i is (_types[i], _ids[i]); index 0 (open) is unused.
        private readonly Name[] _types;
        private readonly string[] _ids;

        private AnchorTable(List<EntityUid> anchors)
        {
            var size = 4;
            while (size < anchors.Count * 2)
            {
                size <<= 1;
            }

            _slots = new long[size];
            _mask = size - 1;
            _types = new Name[anchors.Count + 1];
            _ids = new string[anchors.Count + 1];
            for (var id = 1; id <= anchors.Count; id++)
            {
                var anchor = anchors[id - 1];
                _types[id] = anchor.EntityType;

                // A copy, so the ids of all anchors sit next to each other in memory.
                _ids[id] = new string(anchor.Id);
                var hash = anchor.GetHashCode();
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
        /// <paramref name="self"/> is the id of the lineage's first entity (the request's own), or -1 when that is no anchor.
        /// </summary>
        public int Lookup(EntityUid[] lineage, Span<int> destination, bool withOpen, out int self)
        {
            var count = 0;
            if (withOpen)
            {
                destination[count++] = Open;
            }

            self = -1;
            var first = count;
            for (var at = 0; at < lineage.Length; at++)
            {
                if (Find(lineage[at]) is var id and > 0 && !destination[first..count].Contains(id))
                {
                    destination[count++] = id;
                    self = at == 0 ? id : self;
                }
            }

            return count;
        }

        private int Find(EntityUid uid)
        {
            var hash = uid.GetHashCode();
            for (var i = Slot(hash); ; i = (i + 1) & _mask)
            {
                var slot = _slots[i];
                if (slot == 0)
                {
                    return Open;
                }

                var id = (int)slot;
                if ((int)(slot >> 32) == hash && _types[id].Equals(uid.EntityType) && string.Equals(_ids[id], uid.Id, StringComparison.Ordinal))
                {
                    return id;
                }
            }
        }

        // Entity hashes are well mixed already (randomized string hashing); fold the high bits in for small tables.
        private int Slot(int hash) => (hash ^ (hash >>> 16)) & _mask;

        public sealed class Builder
        {
            private readonly Dictionary<EntityUid, int> _ids = [];
            private readonly List<EntityUid> _anchors = [];

            /// <summary>How many ids were handed out (not counting the open id).</summary>
            public int Count => _anchors.Count;

            /// <summary>The id for an anchor, or the open id for none.</summary>
            public int Intern(EntityUid? uid)
            {
                if (uid is null)
                {
                    return Open;
                }

                if (!_ids.TryGetValue(uid, out var id))
                {
                    _anchors.Add(uid);
                    _ids[uid] = id = _anchors.Count;
                }

                return id;
            }

            public AnchorTable Build() => new(_anchors);
        }
    }
}
