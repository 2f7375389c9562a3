using System.Globalization;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Authorization;

public sealed class PolicyIndexTests
{
    private static readonly Entities.EntityStore Store = CedarFixture.Entities("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": [{"type": "Group", "id": "eng"}]},
          {"uid": {"type": "Group", "id": "eng"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]},
          {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]}
        ]
        """);

    private static List<string> Candidates(string policies)
    {
        var index = new PolicyIndex(CedarParser.ParsePolicySet(policies).Policies);
        var request = CedarFixture.DefaultRequest;
        var ordinals = new int[index.Policies.Length];
        var count = index.Candidates(new PreparedRequest(request, Store), ordinals);
        return [.. ordinals.Take(count).Select(i => index.Policies[i].Source.Id)];
    }

    [Fact]
    public void Candidates_IncludeUnconstrainedPoliciesAndPoliciesAnchoredOnAncestors()
    {
        var ids = Candidates("""
            permit(principal, action, resource);
            permit(principal in Group::"all", action, resource);
            permit(principal == User::"bob", action, resource);
            permit(principal is User, action, resource == Photo::"p1");
            permit(principal is User, action, resource == Photo::"p2");
            permit(principal, action in [Action::"write", Action::"read"], resource);
            permit(principal, action == Action::"write", resource);
            """);

        Assert.Equal(["policy0", "policy1", "policy3", "policy5"], ids);
    }

    [Fact]
    public void Candidates_ListEachPolicyOnceInPolicyOrder()
    {
        var ids = Candidates("""
            permit(principal, action in [Action::"view", Action::"read"], resource);
            permit(principal == User::"alice", action, resource);
            """);

        Assert.Equal(["policy0", "policy1"], ids);
    }

    [Fact]
    public void Candidates_ForUnknownEntities_UseOnlyTheEntityItself()
    {
        var index = new PolicyIndex(CedarParser.ParsePolicySet("""permit(principal == User::"ghost", action, resource);""").Policies);

        var ordinals = new int[1];

        var count = index.Candidates(new PreparedRequest(new Request(EntityUid.Of("User", "ghost"), EntityUid.Of("Action", "x"), EntityUid.Of("R", "r"), RecordValue.Empty), Store), ordinals);

        Assert.Equal(1, count);
    }

    [Fact]
    public void Candidates_NeedBothAnchorsOfAPolicyInTheRequestLineages()
    {
        var ids = Candidates("""
            permit(principal in Group::"eng", action, resource == Photo::"p1");
            permit(principal in Group::"eng", action, resource == Photo::"p2");
            permit(principal == User::"bob", action, resource == Photo::"p1");
            permit(principal is User in Group::"all", action in Action::"read", resource == Photo::"p1");
            forbid(principal, action == Action::"view", resource == Photo::"p1");
            forbid(principal, action == Action::"edit", resource == Photo::"p1");
            """);

        Assert.Equal(["policy0", "policy3", "policy4"], ids);
    }

    [Fact]
    public void Candidates_UnderOneAnchorPair_AreTheOnesNamingTheRequestsActionOrNone()
    {
        // Filed under one (principal, resource) pair: by the one action named, or together when several or none are.
        var ids = Candidates("""
            permit(principal == User::"alice", action == Action::"edit", resource == Photo::"p1");
            permit(principal == User::"alice", action == Action::"view", resource == Photo::"p1");
            permit(principal == User::"alice", action in Action::"read", resource == Photo::"p1");
            permit(principal == User::"alice", action == Action::"read", resource == Photo::"p1");
            permit(principal == User::"alice", action in [Action::"edit", Action::"view"], resource == Photo::"p1");
            permit(principal == User::"alice", action in [Action::"edit", Action::"delete"], resource == Photo::"p1");
            permit(principal == User::"alice", action, resource == Photo::"p1");
            permit(principal == User::"alice", action in [Action::"view", Action::"view"], resource == Photo::"p1");
            permit(principal == User::"alice", action == Action::"view", resource == Photo::"p2");
            permit(principal == User::"alice", action in [Action::"edit", Action::"delete", Action::"read"], resource == Photo::"p1");
            permit(principal == User::"alice", action in [Action::"edit", Action::"delete", Action::"share"], resource == Photo::"p1");
            """);

        Assert.Equal(["policy1", "policy2", "policy4", "policy6", "policy7", "policy9"], ids);
    }

    [Fact]
    public void Candidates_AmongManyKeysThatNameNoPolicy_AreExactlyThoseFiledUnderTheRequestsKeys()
    {
        // Thousands of keys, so the filter in front of the key table lets some absent keys through to the table, and more
        // actions than a principal's 64 action bits tell apart.
        var policies = string.Concat(Enumerable.Range(0, 3_000).Select(i =>
            $"permit(principal == User::\"u{i}\", action == Action::\"a{i % 70}\", resource in Folder::\"f{i % 11}\");\n"));
        var index = new PolicyIndex(CedarParser.ParsePolicySet(policies).Policies);
        var store = new Entities.EntityStore([new Entities.Entity(EntityUid.Of("Doc", "d"), parents: [EntityUid.Of("Folder", "f3")])]);
        for (var user = 0; user < 3_000; user += 37)
        {
            for (var action = 0; action < 70; action++)
            {
                var request = new Request(EntityUid.Of("User", $"u{user}"), EntityUid.Of("Action", $"a{action}"), EntityUid.Of("Doc", "d"), RecordValue.Empty);
                var ordinals = new int[index.Policies.Length];
                var count = index.Candidates(new PreparedRequest(request, store), ordinals);
                int[] expected = user % 70 == action && user % 11 == 3 ? [user] : [];
                Assert.Equal(expected, ordinals.Take(count));
            }
        }
    }

    [Fact]
    public void Candidates_ForEqualityScopes_NeedTheRequestsOwnEntityNotAnAncestor()
    {
        var ids = Candidates("""
            permit(principal == Group::"eng", action, resource);
            permit(principal == User::"alice", action, resource);
            permit(principal, action == Action::"read", resource);
            permit(principal, action == Action::"view", resource);
            permit(principal, action in Action::"read", resource);
            permit(principal, action, resource == Photo::"p1");
            permit(principal, action in [], resource);
            """);

        Assert.Equal(["policy1", "policy3", "policy4", "policy5"], ids);
    }

    [Fact]
    public void Candidates_TellAnchorsWithEqualTextButDifferentTypesApart()
    {
        var ids = Candidates("""
            permit(principal == Group::"alice", action, resource);
            permit(principal in User::"eng", action, resource);
            permit(principal == User::"alice", action, resource == Album::"p1");
            """);

        Assert.Empty(ids);
    }

    [Fact]
    public void Candidates_InACyclicHierarchy_ListEachPolicyOnce()
    {
        // Cedar's JSON readers refuse cycles; the store itself evaluates them consistently.
        var cyclic = new Entities.EntityStore(
        [
            new Entities.Entity(EntityUid.Of("User", "alice"), [], [EntityUid.Of("Group", "a")]),
            new Entities.Entity(EntityUid.Of("Group", "a"), [], [EntityUid.Of("Group", "b")]),
            new Entities.Entity(EntityUid.Of("Group", "b"), [], [EntityUid.Of("User", "alice")]),
        ]);
        var index = new PolicyIndex(CedarParser.ParsePolicySet("""
            permit(principal in User::"alice", action, resource);
            permit(principal in Group::"b", action, resource);
            """).Policies);
        var ordinals = new int[2];

        var count = index.Candidates(new PreparedRequest(CedarFixture.DefaultRequest, cyclic), ordinals);

        Assert.Equal([0, 1], ordinals[..count]);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Candidates_TellAnchorsWithEqualHashesApart(bool keyed, bool remember)
    {
        var (anchor, stranger) = CollidingUids();
        var store = new Entities.EntityStore([new Entities.Entity(stranger, parents: [anchor]), new Entities.Entity(anchor)]);
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal == {stranger}, action, resource);
            permit(principal in {anchor}, action, resource);
            """ + Unmatched(keyed, anchor, stranger)).Policies, remember);
        var ordinals = new int[3];

        // The request's principal hashes like the anchor of policy0; only policy1 names it.
        var alone = new PreparedRequest(new Request(stranger, EntityUid.Of("Action", "x"), EntityUid.Of("R", "r"), RecordValue.Empty), Entities.EntityStore.Empty);
        Assert.Equal([1], ordinals[..index.Candidates(alone, ordinals)]);

        // Both colliding entities in one lineage: the stranger itself, and the anchor as its parent.
        var both = new PreparedRequest(new Request(stranger, EntityUid.Of("Action", "x"), EntityUid.Of("R", "r"), RecordValue.Empty), store);
        Assert.Equal([1, 2], ordinals[..index.Candidates(both, ordinals)]);
    }

    // Two entity references with equal hash codes (found by the birthday bound: tens of thousands of tries).
    private static (EntityUid Anchor, EntityUid Stranger) CollidingUids()
    {
        var seen = new Dictionary<int, EntityUid>();
        for (var i = 0; ; i++)
        {
            var uid = EntityUid.Of("User", $"u{i}");
            if (seen.TryGetValue(uid.GetHashCode(), out var earlier))
            {
                return (earlier, uid);
            }

            seen[uid.GetHashCode()] = uid;
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Candidates_NeverTakeAnEntityForAnAnchorThatMerelySharesItsHash(bool keyed, bool remember)
    {
        // Only the anchor is in the policies, so its slot is not flagged as shared and a lookup may stop at the hash.
        var (anchor, stranger) = CollidingUids();
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal, action, resource in {anchor});
            """ + Unmatched(keyed, anchor)).Policies, remember);

        Assert.Equal([0, 1], Candidates(index, anchor, anchor, Entities.EntityStore.Empty));
        Assert.Empty(Candidates(index, stranger, stranger, Entities.EntityStore.Empty));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Candidates_InALineageOfAnAnchorAndAStrangerSharingItsHash_MatchOnlyTheAnchor(bool keyed, bool remember)
    {
        var (anchor, stranger) = CollidingUids();
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal in {anchor}, action, resource);
            """ + Unmatched(keyed, anchor)).Policies, remember);
        var resource = EntityUid.Of("R", "r");

        // The stranger, first in its own lineage, lands on the anchor's slot before the anchor (its parent) does.
        var strangerFirst = new Entities.EntityStore([new Entities.Entity(stranger, parents: [anchor]), new Entities.Entity(anchor)]);
        Assert.Equal([1], Candidates(index, stranger, resource, strangerFirst));

        var anchorFirst = new Entities.EntityStore([new Entities.Entity(anchor, parents: [stranger]), new Entities.Entity(stranger)]);
        Assert.Equal([0, 1], Candidates(index, anchor, resource, anchorFirst));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Candidates_OfAReferenceProvenInOneIndex_AreStillCheckedInAnother(bool keyed, bool remember)
    {
        // In both indexes the only principal anchor has id 1, and the two anchors share a hash: a proof that the reference
        // is anchor 1 of the first index must not make it anchor 1 of the second.
        var (anchor, stranger) = CollidingUids();
        var first = new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal == {anchor}, action, resource);\n" + Unmatched(keyed, anchor)).Policies, remember);
        var second = new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal == {stranger}, action, resource);\n" + Unmatched(keyed, stranger)).Policies, remember);
        var resource = EntityUid.Of("R", "r");

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal([0], Candidates(first, anchor, resource, Entities.EntityStore.Empty));
            Assert.Empty(Candidates(second, anchor, resource, Entities.EntityStore.Empty));
            Assert.Empty(Candidates(first, stranger, resource, Entities.EntityStore.Empty));
            Assert.Equal([0], Candidates(second, stranger, resource, Entities.EntityStore.Empty));
        }
    }

    [Fact]
    public void Candidates_StayExactWhileThreadsProveTheSameReferencesInSeveralIndexes()
    {
        // The references are shared by every thread and rewritten by each index's proofs as they go: whatever another
        // thread proved last, each lookup must find exactly what it finds alone.
        var (anchor, stranger) = CollidingUids();
        var indexes = new[]
        {
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal == {anchor}, action, resource);\npermit(principal, action, resource == {stranger});").Policies),
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal == {stranger}, action, resource);\npermit(principal, action, resource == {anchor});").Policies),
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal in {anchor}, action, resource in {anchor});").Policies),
        };
        var pairs = new[] { (anchor, anchor), (anchor, stranger), (stranger, anchor), (stranger, stranger) };
        var expected = indexes.Select(index => pairs.Select(p => string.Join(",", Candidates(index, p.Item1, p.Item2, Entities.EntityStore.Empty))).ToArray()).ToArray();

        var wrong = 0;
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var at = (i + worker) % indexes.Length;
                var pair = (i / indexes.Length + worker) % pairs.Length;
                var (principal, resource) = pairs[pair];
                if (string.Join(",", Candidates(indexes[at], principal, resource, Entities.EntityStore.Empty)) != expected[at][pair])
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.Equal(0, wrong);
        Assert.Equal(["0", "0,1", "", "1"], expected[0]);
        Assert.Equal(["1", "", "0,1", "0"], expected[1]);
    }

    [Fact]
    public void Candidates_OfAReferenceThatAnchorsBothSides_StayExactWhenDecidedAgain()
    {
        // The one reference is remembered as a principal anchor and as a resource anchor, each in its own field.
        var (anchor, stranger) = CollidingUids();
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource == {anchor});
            permit(principal == {anchor}, action, resource);
            permit(principal, action, resource == {anchor});
            """).Policies);

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal([0, 1, 2], Candidates(index, anchor, anchor, Entities.EntityStore.Empty));
            Assert.Equal([1], Candidates(index, anchor, stranger, Entities.EntityStore.Empty));
            Assert.Equal([2], Candidates(index, stranger, anchor, Entities.EntityStore.Empty));
            Assert.Empty(Candidates(index, stranger, stranger, Entities.EntityStore.Empty));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Candidates_OfAReferenceRememberedAsNoAnchor_FindItWhereItIsOne(bool keyed)
    {
        // The first index anchors neither side on the agent, so the reference remembers "none" for both of its tables;
        // the second anchors the principal side on it, the third the resource side, and no index may trust another's.
        var agent = EntityUid.Of("Agent", "a");
        var other = EntityUid.Of("Agent", "b");
        var none = new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal == {other}, action, resource == {other});\n" + Unmatched(keyed, other)).Policies);
        var asPrincipal = new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal in {agent}, action, resource);\n" + Unmatched(keyed, agent)).Policies);
        var asResource = new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal, action, resource in {agent});").Policies);

        for (var round = 0; round < 3; round++)
        {
            Assert.Empty(Candidates(none, agent, agent, Entities.EntityStore.Empty));
            Assert.Equal([0], Candidates(asPrincipal, agent, other, Entities.EntityStore.Empty));
            Assert.Empty(Candidates(asPrincipal, other, agent, Entities.EntityStore.Empty));
            Assert.Equal([0], Candidates(asResource, other, agent, Entities.EntityStore.Empty));
            Assert.Empty(Candidates(asResource, agent, other, Entities.EntityStore.Empty));
            Assert.Equal([0], Candidates(none, other, other, Entities.EntityStore.Empty));
        }
    }

    [Fact]
    public void Candidates_OfAnAncestorInBothLineages_FollowEachIndexsAnchorsOnEachSide()
    {
        // The org is an ancestor of the principal (through its team) and of the resource (through its project), so the
        // store's one reference for it is looked up in both tables of every index.
        var org = EntityUid.Of("Org", "o");
        var team = EntityUid.Of("Team", "t");
        var project = EntityUid.Of("Project", "p");
        var store = new Entities.EntityStore(
        [
            new Entities.Entity(EntityUid.Of("Agent", "a"), parents: [team]),
            new Entities.Entity(team, parents: [org]),
            new Entities.Entity(EntityUid.Of("Doc", "d"), parents: [project]),
            new Entities.Entity(project, parents: [org]),
            new Entities.Entity(org),
        ]);
        var indexes = new[]
        {
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal in {org}, action, resource in {project});").Policies),
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal in {team}, action, resource in {org});").Policies),
            new PolicyIndex(CedarParser.ParsePolicySet($"permit(principal in {project}, action, resource in {team});\npermit(principal in {org}, action, resource in {org});").Policies),
        };
        int[][] expected = [[0], [0], [1]];

        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < indexes.Length; i++)
            {
                Assert.Equal(expected[i], Candidates(indexes[i], EntityUid.Of("Agent", "a"), EntityUid.Of("Doc", "d"), store));
            }
        }
    }

    // With `keyed`, enough policies under each of the principal anchors (after the ones a test counts, and matching
    // none of its requests) that the index files them in its key table instead of reading them in a row.
    private static string Unmatched(bool keyed, params EntityUid[] principals) => keyed
        ? string.Concat(principals.SelectMany(p => Enumerable.Range(0, 12).Select(i => $"permit(principal in {p}, action == Action::\"unused{i}\", resource == Unused::\"u{i}\");\n")))
        : "";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Candidates_AreThePoliciesWhoseScopeMatches_ForPrincipalsWithFewOrManyPolicies(bool manyActions)
    {
        // Principals with 1 to 30 policies each, so some anchors are read in a row and others are looked up by key; scopes
        // of every kind over two small hierarchies and an action group. Checked against evaluating every policy's scope.
        // With `manyActions`, a first policy names twenty other actions, so the requests' actions get ids past an entry's
        // action mask and are checked through the named-actions array.
        var random = new Random(20261202);
        var users = Enumerable.Range(0, 12).Select(i => EntityUid.Of("User", $"u{i}")).ToArray();
        var groups = Enumerable.Range(0, 3).Select(i => EntityUid.Of("Group", $"g{i}")).ToArray();
        var docs = Enumerable.Range(0, 10).Select(i => EntityUid.Of("Doc", $"d{i}")).ToArray();
        var folders = Enumerable.Range(0, 4).Select(i => EntityUid.Of("Folder", $"f{i}")).ToArray();
        var actions = new[] { "read", "list", "write", "delete" }.Select(a => EntityUid.Of("Action", a)).ToArray();
        var readOnly = EntityUid.Of("Action", "readOnly");
        var store = new Entities.EntityStore(
        [
            .. users.Select((u, i) => new Entities.Entity(u, parents: [groups[i % 3]])),
            .. groups.Select(g => new Entities.Entity(g)),
            .. docs.Select((d, i) => new Entities.Entity(d, parents: [folders[i % 4]])),
            .. folders.Select((f, i) => new Entities.Entity(f, parents: i == 3 ? [folders[0]] : [])),
            new Entities.Entity(actions[0], parents: [readOnly]),
            new Entities.Entity(actions[1], parents: [readOnly]),
            new Entities.Entity(actions[2]),
            new Entities.Entity(actions[3]),
            new Entities.Entity(readOnly),
        ]);
        var text = new System.Text.StringBuilder(manyActions
            ? $"permit(principal == Pad::\"p\", action in [{string.Join(", ", Enumerable.Range(0, 20).Select(i => $"Action::\"pad{i}\""))}], resource);\n"
            : "");
        var perPrincipal = new[] { 1, 2, 3, 8, 9, 30 };
        foreach (var (principal, k) in users.Concat(groups).Select((p, k) => (p, k)))
        {
            for (var n = 0; n < perPrincipal[k % perPrincipal.Length]; n++)
            {
                var principalScope = random.Next(3) switch { 0 => $"principal == {principal}", 1 => $"principal in {principal}", _ => "principal" };
                var resourceScope = random.Next(4) switch
                {
                    0 => $"resource == {(random.Next(2) == 0 ? docs[random.Next(docs.Length)] : folders[random.Next(folders.Length)])}",
                    1 => $"resource in {folders[random.Next(folders.Length)]}",
                    2 => $"resource is Doc in {folders[random.Next(folders.Length)]}",
                    _ => "resource",
                };
                var actionScope = random.Next(4) switch
                {
                    0 => $"action == {actions[random.Next(actions.Length)]}",
                    1 => $"action in [{actions[random.Next(actions.Length)]}, {actions[random.Next(actions.Length)]}]",
                    2 => $"action in {readOnly}",
                    _ => "action",
                };
                text.Append(CultureInfo.InvariantCulture, $"permit({principalScope}, {actionScope}, {resourceScope});\n");
            }
        }

        var set = CedarParser.ParsePolicySet(text.ToString());
        var index = new PolicyIndex(set.Policies);
        var ordinals = new int[index.Policies.Length];
        var checkedRequests = 0;
        foreach (var principal in users.Concat(groups))
        {
            foreach (var resource in docs.Concat(folders))
            {
                foreach (var action in actions.Append(readOnly))
                {
                    var prepared = new PreparedRequest(new Request(principal, action, resource, RecordValue.Empty), store);
                    var evaluator = Evaluator.Rent(prepared);
                    var expected = Enumerable.Range(0, index.Policies.Length).Where(i => evaluator.Evaluate(index.Policies[i]) == PolicyOutcome.Satisfied).ToList();
                    Evaluator.Return(evaluator);

                    // The index leaves `is` types to the evaluator, so its candidates may include policies of the wrong type.
                    var candidates = ordinals[..index.Candidates(prepared, ordinals)];
                    Assert.Equal(expected, candidates.Where(i => set.Policies[i].Resource.EntityType is null || resource.EntityType.Equals(set.Policies[i].Resource.EntityType)));
                    checkedRequests++;
                }
            }
        }

        Assert.Equal(15 * 14 * 5, checkedRequests);
    }

    private static List<int> Candidates(PolicyIndex index, EntityUid principal, EntityUid resource, Entities.EntityStore store)
    {
        var ordinals = new int[index.Policies.Length];
        var count = index.Candidates(new PreparedRequest(new Request(principal, EntityUid.Of("Action", "x"), resource, RecordValue.Empty), store), ordinals);
        return [.. ordinals.Take(count)];
    }
}
