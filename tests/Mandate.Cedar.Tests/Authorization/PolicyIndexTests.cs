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

    [Fact]
    public void Candidates_TellAnchorsWithEqualHashesApart()
    {
        var (anchor, stranger) = CollidingUids();
        var store = new Entities.EntityStore([new Entities.Entity(stranger, parents: [anchor]), new Entities.Entity(anchor)]);
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal == {stranger}, action, resource);
            permit(principal in {anchor}, action, resource);
            """).Policies);
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

    [Fact]
    public void Candidates_NeverTakeAnEntityForAnAnchorThatMerelySharesItsHash()
    {
        // Only the anchor is in the policies, so its slot is not flagged as shared and a lookup may stop at the hash.
        var (anchor, stranger) = CollidingUids();
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal, action, resource in {anchor});
            """).Policies);

        Assert.Equal([0, 1], Candidates(index, anchor, anchor, Entities.EntityStore.Empty));
        Assert.Empty(Candidates(index, stranger, stranger, Entities.EntityStore.Empty));
    }

    [Fact]
    public void Candidates_InALineageOfAnAnchorAndAStrangerSharingItsHash_MatchOnlyTheAnchor()
    {
        var (anchor, stranger) = CollidingUids();
        var index = new PolicyIndex(CedarParser.ParsePolicySet($"""
            permit(principal == {anchor}, action, resource);
            permit(principal in {anchor}, action, resource);
            """).Policies);
        var resource = EntityUid.Of("R", "r");

        // The stranger, first in its own lineage, lands on the anchor's slot before the anchor (its parent) does.
        var strangerFirst = new Entities.EntityStore([new Entities.Entity(stranger, parents: [anchor]), new Entities.Entity(anchor)]);
        Assert.Equal([1], Candidates(index, stranger, resource, strangerFirst));

        var anchorFirst = new Entities.EntityStore([new Entities.Entity(anchor, parents: [stranger]), new Entities.Entity(stranger)]);
        Assert.Equal([0, 1], Candidates(index, anchor, resource, anchorFirst));
    }

    private static List<int> Candidates(PolicyIndex index, EntityUid principal, EntityUid resource, Entities.EntityStore store)
    {
        var ordinals = new int[index.Policies.Length];
        var count = index.Candidates(new PreparedRequest(new Request(principal, EntityUid.Of("Action", "x"), resource, RecordValue.Empty), store), ordinals);
        return [.. ordinals.Take(count)];
    }
}
