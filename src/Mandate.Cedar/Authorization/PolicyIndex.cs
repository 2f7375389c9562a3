using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Mandate.Cedar.Ast;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Authorization;

/// <summary>
/// Finds the policies whose scope matches a request's entities. A policy's scope names at most one principal
/// anchor and one resource anchor (the entity of <c>==</c>, <c>in</c> or <c>is .. in</c>); the policy is filed
/// under that pair, with "open" standing for a side without one, and under the one action its action scope names,
/// when it names exactly one ("open" otherwise). A request looks up every key drawn from its principal's and its
/// resource's lineage (the entity and its ancestors) and its action's lineage, so only policies whose principal,
/// resource and action scopes can all match are candidates, however many policies other entities have. Within a
/// key, a policy is a candidate only when its action scope names the request's action (<c>==</c>) or one in its
/// lineage (<c>in</c>), and its <c>==</c> scopes name the request's own entities rather than an ancestor.
/// </summary>
/// <remarks>
/// Decisions over a large policy set are bound by memory latency, not instructions, so every table is flat and
/// anchors are matched exactly against compact copies of their type and id: a lookup touches no policy and no
/// entity object. Most keys a request draws name no policy (a request's lineages make a few dozen, a large policy
/// set files under a few of them), so a small filter answers those before the key table is read: see
/// <see cref="KeyTable"/>. A principal anchor with only a few policies (an agent with its own grants, of which a large
/// set has thousands) files nothing in the key table: its entries sit together and are read in a row, so finding
/// them costs the cache lines they fill and no probe. A candidate's scope entities are proven to match, and the
/// evaluator checks only what the index does not (<c>is</c> types, conditions) — see
/// <see cref="CompiledPolicy.ScopeIndexed"/>. Every policy sits under at most one key (none when it can match no
/// action), so candidates never repeat.
/// </remarks>
internal sealed partial class PolicyIndex
{
    // The id of "no anchor": an open scope side, and the action key of a policy naming no single action.
    private const int Open = 0;

    // Each index's number, which the references its tables remember anchors on carry (see AnchorTable.Recall).
    private static long s_indexes;

    private readonly ImmutableArray<CompiledPolicy> _policies;
    private readonly AnchorTable _principals;
    private readonly AnchorTable _resources;
    private readonly AnchorTable _actions;

    private readonly KeyTable _keys;

    // The entries filed under principal id p are _entries[_entryStarts[p].._entryStarts[p + 1]]; those under one key
    // are consecutive, the last one flagged.
    private readonly int[] _entryStarts;

    // For each principal id, the action keys filed under it as bits (key k sets bit k % 64): a request skips the keys
    // of principal anchors that file nothing under its action, which over a large policy set is most of them.
    private readonly ulong[] _principalActions;
    private readonly Entry[] _entries;
    private readonly int[] _entryActions;

    /// <summary>
    /// Indexes <paramref name="policies"/>. Without <paramref name="rememberAnchors"/> (for tests) no reference remembers
    /// what it is here, as in every index built after a process has built more than references can number (see
    /// AnchorTable.Recall).
    /// </summary>
    public PolicyIndex(ImmutableArray<Policy> policies, bool rememberAnchors = true)
    {
        var shared = new Dictionary<Expr, CompiledExpression>(ExprShape.Comparer);
        _policies = [.. policies.Select(p => new CompiledPolicy(p, shared))];
        var principals = new AnchorTable.Builder();
        var resources = new AnchorTable.Builder();
        var actions = new AnchorTable.Builder();
        var filed = new SortedDictionary<Key, List<int>>();
        var actionIds = new int[policies.Length][];
        var flags = new EntryFlags[policies.Length];
        for (var i = 0; i < policies.Length; i++)
        {
            var policy = policies[i];
            if (policy.Action.Operator != ActionScopeOperator.Any && policy.Action.Entities.IsEmpty)
            {
                // `action in []` matches no action: the policy is never a candidate.
                continue;
            }

            // An action scope of `==`/`in` can match only the actions it names (and, for `in`, their descendants).
            var named = policy.Action.Operator == ActionScopeOperator.Any ? [] : policy.Action.Entities;
            actionIds[i] = [.. named.Select(a => actions.Intern(a)).Distinct()];
            var key = new Key(principals.Intern(Anchor(policy.Principal)), resources.Intern(Anchor(policy.Resource)), actionIds[i].Length == 1 ? actionIds[i][0] : Open);
            if (!filed.TryGetValue(key, out var ordinals))
            {
                filed[key] = ordinals = [];
            }

            ordinals.Add(i);
            flags[i] = (policy.Principal.Operator == ScopeOperator.Equal ? EntryFlags.PrincipalSelf : 0)
                | (policy.Resource.Operator == ScopeOperator.Equal ? EntryFlags.ResourceSelf : 0)
                | (policy.Action.Operator == ActionScopeOperator.Equal ? EntryFlags.ActionSelf : 0);
        }

        var number = rememberAnchors ? Interlocked.Increment(ref s_indexes) : 0;
        _principals = principals.Build(number, AnchorSide.Principal);
        _resources = resources.Build(number, AnchorSide.Resource);
        _actions = actions.Build(0, AnchorSide.None);
        _entryStarts = new int[principals.Count + 2];
        _principalActions = new ulong[principals.Count + 1];
        _entries = new Entry[filed.Values.Sum(ordinals => ordinals.Count)];
        var perPrincipal = new int[principals.Count + 1];
        foreach (var (key, ordinals) in filed)
        {
            perPrincipal[key.Principal] += ordinals.Count;
        }

        var keys = new KeyTable.Builder(filed.Count);
        var entryActions = new List<int>();
        var entry = 0;
        foreach (var (key, ordinals) in filed)
        {
            _entryStarts[key.Principal + 1] = entry + ordinals.Count;
            _principalActions[key.Principal] |= ActionBit(key.Action);
            if (perPrincipal[key.Principal] > ScanLimit)
            {
                keys.Add(key, entry);
            }

            foreach (var ordinal in ordinals)
            {
                var last = ordinal == ordinals[^1] ? EntryFlags.Last : 0;
                var compiled = _policies[ordinal];
                var decided = (compiled.Forbid ? EntryFlags.Forbid : 0) | (compiled.ScopeProvenByIndex ? EntryFlags.Direct : 0);
                var named = actionIds[ordinal];
                _entries[entry++] = new Entry(compiled.ConditionHead, compiled.ConditionTail, ordinal, named.Length == 0 ? AnyAction : entryActions.Count, key.Resource, LowActionMask(named), flags[ordinal] | last | decided);
                if (named.Length > 0)
                {
                    entryActions.Add(named.Length);
                    entryActions.AddRange(named);
                }
            }
        }

        // Principals without entries start where the previous one ended.
        for (var p = 1; p < _entryStarts.Length; p++)
        {
            _entryStarts[p] = Math.Max(_entryStarts[p], _entryStarts[p - 1]);
        }

        _keys = keys.Build();
        _entryActions = [.. entryActions];
    }

    public ImmutableArray<CompiledPolicy> Policies => _policies;

    /// <summary>
    /// Writes the ordinals of the candidate policies for the request into <paramref name="destination"/>, ascending
    /// and without duplicates, and returns how many there are; or returns -1 when they do not fit (a destination as
    /// long as <see cref="Policies"/> always fits them).
    /// </summary>
    public int Candidates(PreparedRequest request, Span<int> destination)
    {
        var count = CandidateEntries(request, destination);
        for (var i = 0; i < count; i++)
        {
            destination[i] = _entries[destination[i]].Ordinal;
        }

        return count;
    }

    /// <summary>
    /// As <see cref="Candidates"/>, but writes the candidates' entries (see <see cref="EntryAt"/>), in ascending order of
    /// their policies: an entry holds what deciding most candidates needs, and was just read to find it.
    /// </summary>
    [SkipLocalsInit]
    public int CandidateEntries(PreparedRequest request, Span<int> destination)
    {
        if (_policies.Length == 0)
        {
            return 0;
        }

        // The anchor ids of the request's lineages, a few dozen at most in any real hierarchy, and for each principal
        // and resource id the lineage position it is still to be confirmed against (see AnchorTable.Lookup).
        var needed = request.PrincipalLineage.Length + request.ResourceLineage.Length + request.ActionLineage.Length + 2;
        int[]? rented = null;
        var span = needed * 2 <= StackIds ? stackalloc int[StackIds] : (rented = ArrayPool<int>.Shared.Rent(needed * 2));
        try
        {
            var ids = span[..needed];
            var unconfirmed = span.Slice(needed, needed);
            _principals.Prefetch(request.PrincipalLineage);
            _resources.Prefetch(request.ResourceLineage);
            var p = _principals.Lookup(request.PrincipalLineage, ids, unconfirmed, withOpen: true, out var principal);
            var r = _resources.Lookup(request.ResourceLineage, ids[p..], unconfirmed[p..], withOpen: true, out var resource);
            var a = _actions.Lookup(request.ActionLineage, ids[(p + r)..], [], withOpen: false, out var action);
            var principals = new Anchors(_principals, ids[..p], unconfirmed[..p], request.PrincipalLineage);
            var resources = new Anchors(_resources, ids.Slice(p, r), unconfirmed.Slice(p, r), request.ResourceLineage);
            var count = Collect(principals, resources, new RequestActions(ids.Slice(p + r, a), action), principal, resource, destination);
            if (count > 1)
            {
                SortByOrdinal(destination[..count]);
            }

            return count;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The entry at <paramref name="index"/>, as <see cref="CandidateEntries"/> writes them.</summary>
    public ref readonly Entry EntryAt(int index) => ref _entries[index];

    private const int StackIds = 128;

    // A principal anchor with at most this many entries has them read in a row (a few cache lines) rather than looked up
    // key by key, and files no key in the key table: over a large policy set most principals are single agents or users
    // with a handful of grants each, and reading their entries directly skips the filter probes and the key table's
    // cache miss, and keeps both tables a fraction of the size.
    private const int ScanLimit = 8;

    // Entry.Actions of a policy whose action scope names no action.
    private const int AnyAction = -1;

    // Action anchor ids below this fit an entry's action mask (see Entry.ActionMask).
    private const int LowActions = 16;

    // The mask of action ids an entry names, when every one is below LowActions; 0 otherwise (the named-actions array
    // decides then).
    private static ushort LowActionMask(int[] named)
    {
        var mask = 0;
        foreach (var id in named)
        {
            if (id >= LowActions)
            {
                return 0;
            }

            mask |= 1 << id;
        }

        return (ushort)mask;
    }

    /// <summary>
    /// The policies that could apply to <paramref name="principal"/> doing <paramref name="action"/> on some
    /// resource: those whose principal scope entity and action scope match exactly, whatever their resource scope
    /// (an <c>is</c> type is left to the caller). Ascending.
    /// </summary>
    public List<int> CandidatesForAnyResource(EntityUid principal, EntityUid action, EntityStore entities)
    {
        var principalLineage = PreparedRequest.Lineage(principal, entities);
        var actionLineage = PreparedRequest.Lineage(action, entities);
        var principalIds = new int[principalLineage.Length + 1];
        var actionIds = new int[actionLineage.Length];
        principalIds = principalIds[.._principals.Lookup(principalLineage, principalIds, [], withOpen: true, out var self)];
        actionIds = actionIds[.._actions.Lookup(actionLineage, actionIds, [], withOpen: false, out var actionSelf)];
        var actions = new RequestActions(actionIds, actionSelf);
        var result = new List<int>();
        foreach (var p in principalIds)
        {
            foreach (var entry in EntriesOf(p))
            {
                if (Admits(entry, p, self, actions))
                {
                    result.Add(entry.Ordinal);
                }
            }
        }

        result.Sort();
        return result;
    }

    private int Collect(Anchors principals, Anchors resources, RequestActions actions, int principalSelf, int resourceSelf, Span<int> destination)
    {
        var count = 0;
        for (var i = 0; i < principals.Ids.Length; i++)
        {
            var p = principals.Ids[i];
            var filed = _principalActions[p];
            if ((filed & actions.Bits) == 0)
            {
                continue;
            }

            var start = _entryStarts[p];
            var end = _entryStarts[p + 1];
            if (end - start <= ScanLimit)
            {
                count = Scan(principals, i, resources, actions, principalSelf, resourceSelf, start, end, destination, count);
                if (count < 0)
                {
                    return -1;
                }

                continue;
            }

            for (var j = 0; j < resources.Ids.Length; j++)
            {
                var r = resources.Ids[j];

                // The policies naming no single action, then those naming one of the request's lineage.
                for (var k = -1; k < actions.Lineage.Length; k++)
                {
                    var action = k < 0 ? Open : actions.Lineage[k];
                    if ((filed & ActionBit(action)) == 0)
                    {
                        continue;
                    }

                    var first = _keys.Find(new Key(p, r, action));
                    if (first < 0)
                    {
                        continue;
                    }

                    for (var e = first; ; e++)
                    {
                        var entry = _entries[e];
                        if (((entry.Flags & EntryFlags.ResourceSelf) == 0 || r == resourceSelf) && Admits(entry, p, principalSelf, actions))
                        {
                            // The first candidate under an anchor matched by hash alone confirms it is the entity.
                            if (!principals.Confirm(i) || !resources.Confirm(j))
                            {
                                break;
                            }

                            if (count == destination.Length)
                            {
                                return -1;
                            }

                            destination[count++] = e;
                        }

                        if ((entry.Flags & EntryFlags.Last) != 0)
                        {
                            break;
                        }
                    }
                }
            }
        }

        return count;
    }

    // The entries of a principal anchor with few of them (`start..end`), read in a row instead of drawn from the key
    // table: those under one of the request's resource anchors whose action scope admits the request's action. Returns
    // the new count, or -1 when the destination is full.
    private int Scan(Anchors principals, int i, Anchors resources, RequestActions actions, int principalSelf, int resourceSelf, int start, int end, Span<int> destination, int count)
    {
        var p = principals.Ids[i];
        for (var e = start; e < end; e++)
        {
            var entry = _entries[e];
            var j = resources.Ids.IndexOf(entry.Resource);
            if (j < 0 || ((entry.Flags & EntryFlags.ResourceSelf) != 0 && entry.Resource != resourceSelf) || !Admits(entry, p, principalSelf, actions))
            {
                continue;
            }

            if (!principals.Confirm(i))
            {
                // Every entry here is filed under this anchor, which the request's entity merely shares a hash with.
                return count;
            }

            if (!resources.Confirm(j))
            {
                continue;
            }

            if (count == destination.Length)
            {
                return -1;
            }

            destination[count++] = e;
        }

        return count;
    }

    // Whether an entry found under principal anchor `principal` holds for the request's principal and action:
    // an `==` principal scope needs the anchor to be the principal itself, an action scope one of its actions.
    private bool Admits(Entry entry, int principal, int principalSelf, RequestActions request)
    {
        if ((entry.Flags & EntryFlags.PrincipalSelf) != 0 && principal != principalSelf)
        {
            return false;
        }

        if (entry.Actions == AnyAction)
        {
            return true;
        }

        if (entry.ActionMask != 0)
        {
            // Every action the scope names has a low id, so the mask holds them all.
            return (entry.Flags & EntryFlags.ActionSelf) != 0
                ? (uint)request.Self < LowActions && (entry.ActionMask & (1 << request.Self)) != 0
                : (entry.ActionMask & request.LowBits) != 0;
        }

        var named = _entryActions.AsSpan(entry.Actions + 1, _entryActions[entry.Actions]);
        return (entry.Flags & EntryFlags.ActionSelf) != 0 ? named.Contains(request.Self) : named.ContainsAny(request.Lineage);
    }

    private ReadOnlySpan<Entry> EntriesOf(int principal) =>
        _entries.AsSpan(_entryStarts[principal], _entryStarts[principal + 1] - _entryStarts[principal]);

    private static EntityUid? Anchor(ScopeConstraint scope) =>
        scope.Operator is ScopeOperator.Equal or ScopeOperator.In or ScopeOperator.IsIn ? scope.Entity?.Uid : null;

    /// <summary>
    /// Where policies are filed: their principal and resource anchors, and the one action anchor their action scope
    /// names (open when it names none or several). Ordered by principal, so each principal's entries are consecutive.
    /// </summary>
    private readonly record struct Key(int Principal, int Resource, int Action) : IComparable<Key>
    {
        public int CompareTo(Key other) =>
            Principal != other.Principal ? Principal.CompareTo(other.Principal)
            : Resource != other.Resource ? Resource.CompareTo(other.Resource)
            : Action.CompareTo(other.Action);
    }

    /// <summary>
    /// One policy under a key: its resource anchor, the action anchors its action scope names (<see cref="Actions"/>: where
    /// their count and then the ids start in the named-actions array, or <see cref="AnyAction"/>), and what deciding it
    /// takes when the index proves its whole scope (<see cref="IsDirect"/>): its condition, as one or two conjuncts (see
    /// <see cref="CompiledPolicy.ConditionHead"/>), and effect, so a candidate is decided without reading the policy.
    /// <see cref="ActionMask"/> holds the named actions as bits when all their anchor ids are below 16 (a policy set
    /// names few actions, so usually), and the action check then reads no array: it fills the entry's padding.
    /// </summary>
    internal readonly record struct Entry(CompiledExpression? ConditionHead, CompiledExpression? ConditionTail, int Ordinal, int Actions, int Resource, ushort ActionMask, EntryFlags Flags)
    {
        /// <summary>Whether the policy is a <c>forbid</c>.</summary>
        public bool IsForbid => (Flags & EntryFlags.Forbid) != 0;

        /// <summary>
        /// Whether finding the entry proves the policy's scope (<see cref="CompiledPolicy.ScopeProvenByIndex"/>), so only
        /// its condition (<see cref="ConditionHead"/>, then <see cref="ConditionTail"/>) is left to evaluate; when not, the
        /// policy is evaluated as a whole.
        /// </summary>
        public bool IsDirect => (Flags & EntryFlags.Direct) != 0;
    }

    // Orders entry indexes by their policies' ordinals: sorted as (ordinal, index) pairs in one 64-bit key each, since
    // a sort with a comparer would box it.
    [SkipLocalsInit]
    private void SortByOrdinal(Span<int> entries)
    {
        long[]? rented = null;
        var keys = entries.Length <= StackIds ? stackalloc long[entries.Length] : (rented = ArrayPool<long>.Shared.Rent(entries.Length)).AsSpan(0, entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            keys[i] = ((long)_entries[entries[i]].Ordinal << 32) | (uint)entries[i];
        }

        keys.Sort();
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = (int)keys[i];
        }

        if (rented is not null)
        {
            ArrayPool<long>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The anchor ids found for one of the request's lineages, with the lineage position each is still to be confirmed
    /// against (-1 once confirmed, -2 once refused).
    /// </summary>
    private readonly ref struct Anchors(AnchorTable table, Span<int> ids, Span<int> unconfirmed, EntityUid[] lineage)
    {
        private readonly AnchorTable _table = table;
        private readonly Span<int> _unconfirmed = unconfirmed;
        private readonly EntityUid[] _lineage = lineage;

        public ReadOnlySpan<int> Ids { get; } = ids;

        /// <summary>Whether the i-th id is the anchor of its lineage entity, comparing them the first time only.</summary>
        public bool Confirm(int i)
        {
            var position = _unconfirmed[i];
            if (position < 0)
            {
                return position == -1;
            }

            var confirmed = _table.Confirm(Ids[i], _lineage[position]);
            _unconfirmed[i] = confirmed ? -1 : -2;
            return confirmed;
        }
    }

    private static ulong ActionBit(int action) => 1UL << (action & 63);

    /// <summary>The anchor ids of the request action's lineage, and of the action itself (-1 when no anchor).</summary>
    private readonly ref struct RequestActions
    {
        public RequestActions(ReadOnlySpan<int> lineage, int self)
        {
            Lineage = lineage;
            Self = self;
            Bits = ActionBit(Open);
            foreach (var action in lineage)
            {
                Bits |= ActionBit(action);
                LowBits |= action < LowActions ? 1 << action : 0;
            }
        }

        public ReadOnlySpan<int> Lineage { get; }

        public int Self { get; }

        /// <summary>The bits of the action keys the request looks up: open, and each of its lineage.</summary>
        public ulong Bits { get; }

        /// <summary>The bits of the request's lineage actions with ids below 16, as in <see cref="Entry.ActionMask"/>.</summary>
        public int LowBits { get; }
    }

    /// <summary>
    /// Which scopes are <c>==</c> (their anchor must be the request's own entity, not an ancestor), whether the entry is
    /// the last under its key, and the policy's effect and whether its scope is proven whole (see <see cref="Entry"/>).
    /// </summary>
    [Flags]
    internal enum EntryFlags : byte
    {
        PrincipalSelf = 1,
        ResourceSelf = 2,
        ActionSelf = 4,
        Last = 8,
        Forbid = 16,
        Direct = 32,
    }
}
