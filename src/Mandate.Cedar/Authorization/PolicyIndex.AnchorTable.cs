using System.Runtime.Intrinsics.X86;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

internal sealed partial class PolicyIndex
{
    /// <summary>
    /// Anchor ids by entity: an open-addressing array of (hash, id) slots, and each anchor's type and id copied into
    /// compact arrays built together, so telling an anchor from a hash-equal stranger never reads the policies' own
    /// scope entities (scattered over the heap). Ids are dense from 1; 0 means "open" (no anchor).
    /// </summary>
    /// <remarks>
    /// An entity looked up before is found without reading the table at all (see <see cref="Recall"/>). In a table that
    /// cannot remember, a lookup may stop at the hash instead: when no other anchor shares an entity's hash, the slot it
    /// lands on names the only anchor it can be, and comparing type and id (two more cache misses per entity in a large
    /// table) can wait until a policy filed under that anchor would become a candidate, which most lookups never reach.
    /// Hashes that two anchors share are flagged in their slots and always compared at once.
    /// </remarks>
    private sealed class AnchorTable
    {
        // (hash << 32) | id, or 0 for an empty slot (ids start at 1); the id's top bit flags a hash two anchors share.
        private const int Shared = int.MinValue;
        private readonly long[] _slots;
        private readonly int _mask;

        // The anchor with id i is (_types[i], _ids[i]); index 0 (open) is unused.
        private readonly Name[] _types;
        private readonly string[] _ids;

        // What a reference remembers of this table (see Recall) sits in one 64-bit word of it: the number of the index
        // in the top 24 bits, then a field of FieldBits for each side's table (principals above resources), holding
        // 0 when nothing is known, 1 when the reference is no anchor of that table, and 2 + id when it is anchor id.
        private const int FieldBits = 20;
        private const int IndexShift = 2 * FieldBits;
        private const long FieldMask = (1L << FieldBits) - 1;
        private const long MaxIndexNumber = (1L << (64 - IndexShift)) - 1;
        private readonly long _index;
        private readonly int _shift;

        private AnchorTable(List<EntityUid> anchors, long index, AnchorSide side)
        {
            // At most three quarters full: a lookup's linear probe still ends within a cache line or two, and the table
            // is half the size it would be at half full, which over a large policy set is what keeps it in cache.
            var size = 4;
            while (size * 3 < anchors.Count * 4)
            {
                size <<= 1;
            }

            _slots = new long[size];
            _mask = size - 1;
            // Ids that do not fit a field (a million anchors on one side) are simply not remembered; nor is anything
            // once a process has built more indexes than the number holds.
            _index = side == AnchorSide.None || index is <= 0 or > MaxIndexNumber ? 0 : index;
            _shift = side == AnchorSide.Principal ? FieldBits : 0;
            _types = new Name[anchors.Count + 1];
            _ids = new string[anchors.Count + 1];
            var hashes = new Dictionary<int, int>(anchors.Count);
            foreach (var anchor in anchors)
            {
                hashes[anchor.GetHashCode()] = hashes.GetValueOrDefault(anchor.GetHashCode()) + 1;
            }

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

                _slots[i] = ((long)hash << 32) | (uint)(hashes[hash] > 1 ? id | Shared : id);
            }
        }

        /// <summary>
        /// Writes the ids of the anchors in <paramref name="lineage"/> to <paramref name="destination"/>, preceded by
        /// the open id when <paramref name="withOpen"/>; returns how many. Each id is written once.
        /// <paramref name="self"/> is the id of the lineage's first entity (the request's own), or -1 when that is no anchor.
        /// With <paramref name="unconfirmed"/> empty every id is exact. Otherwise ids may be matched by hash alone, and
        /// for each id written it gets the position in <paramref name="lineage"/> of the entity the id is still to be
        /// confirmed against (<see cref="Confirm"/>), or -1 when the id is exact.
        /// </summary>
        public int Lookup(EntityUid[] lineage, Span<int> destination, Span<int> unconfirmed, bool withOpen, out int self)
        {
            var deferred = !unconfirmed.IsEmpty;
            var count = 0;
            if (withOpen)
            {
                if (deferred)
                {
                    unconfirmed[count] = -1;
                }

                destination[count++] = Open;
            }

            self = -1;
            var first = count;
            for (var at = 0; at < lineage.Length; at++)
            {
                var id = Find(lineage[at], deferred, out var exact);
                if (id == Open)
                {
                    continue;
                }

                var seen = destination[first..count].IndexOf(id);
                if (seen >= 0)
                {
                    // Two entities of the lineage landed on one anchor, so at least one merely shares its hash. When
                    // the earlier is not confirmed yet, settle now which one it is (this takes a hash collision, so
                    // it is rare) and keep the entry for that one.
                    var earlier = deferred ? unconfirmed[first + seen] : -1;
                    if (earlier >= 0)
                    {
                        if (Confirm(id, lineage[earlier]))
                        {
                            unconfirmed[first + seen] = -1;
                        }
                        else if (exact || Confirm(id, lineage[at]))
                        {
                            unconfirmed[first + seen] = -1;
                            self = earlier == 0 ? -1 : self;
                        }
                    }

                    continue;
                }

                if (deferred)
                {
                    unconfirmed[count] = exact ? -1 : at;
                }

                destination[count++] = id;
                self = at == 0 ? id : self;
            }

            return count;
        }

        /// <summary>
        /// Asks the processor for the slots where <paramref name="lineage"/>'s entities hash, before <see cref="Lookup"/>
        /// reads them. Over a large policy set each slot is a cache miss; the lookups branch on what each one finds, so
        /// without this their misses are taken largely one after another, where requested together they overlap.
        /// </summary>
        public unsafe void Prefetch(EntityUid[] lineage)
        {
            if (!Sse.IsSupported)
            {
                return;
            }

            fixed (long* slots = _slots)
            {
                foreach (var uid in lineage)
                {
                    if (Recall(uid) < 0)
                    {
                        Sse.Prefetch0(slots + Slot(uid.GetHashCode()));
                    }
                }
            }
        }

        /// <summary>Whether <paramref name="uid"/> is the anchor with id <paramref name="id"/> (not merely hash-equal).</summary>
        /// <remarks>
        /// Comparing type and id reads the anchor's copy and the reference's own id string: over a large policy set two
        /// cache misses or more per anchor. A reference that proved to be an anchor remembers it (see
        /// <see cref="Recall"/>), and is confirmed from then on by reading one word of it.
        /// </remarks>
        public bool Confirm(int id, EntityUid uid)
        {
            if (Recall(uid) is var known && known >= 0)
            {
                return known == id;
            }

            if (!_types[id].Equals(uid.EntityType) || !string.Equals(_ids[id], uid.Id, StringComparison.Ordinal))
            {
                return false;
            }

            Remember(uid, id);
            return true;
        }

        /// <summary>
        /// What <paramref name="uid"/> is known to be in this table: an anchor id, <see cref="Open"/> for no anchor, or -1
        /// when it has not been looked up here yet.
        /// </summary>
        /// <remarks>
        /// Over a large policy set the slot an entity hashes to is a cache miss, for every entity of every lineage,
        /// however few of them are anchors. What a lookup settles about a reference cannot change while this table
        /// lives (anchors and references are both immutable), so the reference keeps it: one word, in the object the
        /// lookup reads for its hash anyway, naming this index and, for its principal and its resource table each,
        /// the anchor or "none". A prepared request's lineages hold the store's references, which live as long as the
        /// store (see <see cref="Evaluation.PreparedRequest"/>), so an entity that appears again is looked up without
        /// touching the table. The word is written whole (a racing writer's word is either whole or absent), and a
        /// reference that meets another index starts over, so it remembers one index at a time.
        /// </remarks>
        public int Recall(EntityUid uid)
        {
            var word = uid.IndexMemory;
            return _index != 0 && word >>> IndexShift == _index && ((word >>> _shift) & FieldMask) is var field and not 0
                ? (int)field - 2
                : -1;
        }

        private void Remember(EntityUid uid, int id)
        {
            if (_index == 0 || id + 2 > FieldMask)
            {
                return;
            }

            var word = uid.IndexMemory;
            var kept = word >>> IndexShift == _index ? word & ~(FieldMask << _shift) : _index << IndexShift;
            uid.IndexMemory = kept | ((long)(id + 2) << _shift);
        }

        // The anchor id of `uid`, or Open. With `deferred`, in a table that cannot remember, a slot whose hash no other
        // anchor shares is taken on its hash alone (`exact` false): it is the only anchor `uid` can be. A table that
        // remembers confirms the anchor at once instead, so that the reference remembers it.
        private int Find(EntityUid uid, bool deferred, out bool exact)
        {
            if (Recall(uid) is var known && known >= 0)
            {
                exact = true;
                return known;
            }

            var hash = uid.GetHashCode();
            for (var i = Slot(hash); ; i = (i + 1) & _mask)
            {
                var slot = _slots[i];
                if (slot == 0)
                {
                    Remember(uid, Open);
                    exact = true;
                    return Open;
                }

                if ((int)(slot >> 32) != hash)
                {
                    continue;
                }

                var id = (int)slot & int.MaxValue;
                if (deferred && (int)slot >= 0 && _index == 0)
                {
                    exact = false;
                    return id;
                }

                if (Confirm(id, uid))
                {
                    exact = true;
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

            /// <summary>The table of one side of index number <paramref name="index"/> (see <see cref="Recall"/>).</summary>
            public AnchorTable Build(long index, AnchorSide side) => new(_anchors, index, side);
        }
    }
}

/// <summary>Which side of a policy's scope an anchor table holds; only the principal and resource tables remember.</summary>
internal enum AnchorSide
{
    None,
    Principal,
    Resource,
}
