using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Values;
using static Mandate.Cedar.Tests.CedarFixture;

namespace Mandate.Cedar.Tests.Evaluation;

public sealed class EntityTests
{
    private static readonly EntityStore Store = CedarFixture.Entities("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "manager": {"__entity": {"type": "User", "id": "bob"}}},
           "parents": [{"type": "Group", "id": "eng"}], "tags": {"level": "gold"}},
          {"uid": {"type": "Group", "id": "eng"}, "attrs": {}, "parents": [{"type": "Group", "id": "staff"}]},
          {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "everyone"}]}
        ]
        """);

    [Theory]
    [InlineData("principal in principal")]
    [InlineData("principal in Group::\"eng\"")]
    [InlineData("principal in Group::\"staff\"")]
    [InlineData("principal in Group::\"everyone\"")]
    [InlineData("principal in [Group::\"nope\", Group::\"everyone\"]")]
    [InlineData("User::\"ghost\" in User::\"ghost\"")]
    public void In_IsReflexiveAndTransitive(string expression) => Assert.True(EvalBool(expression, Store));

    [Theory]
    [InlineData("Group::\"eng\" in principal")]
    [InlineData("User::\"ghost\" in Group::\"eng\"")]
    [InlineData("principal in []")]
    public void In_DoesNotHoldDownwardsOrForUnknownEntities(string expression) => Assert.False(EvalBool(expression, Store));

    [Fact]
    public void Attributes_AreReadFromTheStore()
    {
        Assert.True(EvalBool("principal.age == 30 && principal.manager == User::\"bob\"", Store));
    }

    [Fact]
    public void Has_OnMissingAttributeOrEntity_IsFalse()
    {
        Assert.False(EvalBool("principal has nickname", Store));
        Assert.False(EvalBool("User::\"ghost\" has age", Store));
    }

    [Fact]
    public void Access_OnMissingAttribute_IsAnError()
    {
        Assert.Contains("does not have the attribute `nickname`", EvalError("principal.nickname", Store).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Access_OnMissingEntity_IsAnError()
    {
        Assert.Contains("does not exist", EvalError("principal.manager.age", Store).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_AreReadAndTested()
    {
        Assert.Equal(new StringValue("gold"), Eval("principal.getTag(\"level\")", Store));
        Assert.True(EvalBool("principal.hasTag(\"level\") && !principal.hasTag(\"x\") && !User::\"ghost\".hasTag(\"level\")", Store));
        Assert.Contains("does not have the tag", EvalError("principal.getTag(\"x\")", Store).Message, StringComparison.Ordinal);
        Assert.Contains("type error", EvalError("principal.hasTag(1)", Store).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_PrecomputesTransitiveAncestors()
    {
        var ancestors = Store.AncestorsOf(EntityUid.Of("User", "alice"));

        Assert.Equal(3, ancestors.Count);
        Assert.Contains(EntityUid.Of("Group", "everyone"), ancestors);
    }

    [Fact]
    public void Store_HoldsStoredAncestorsAsTheEntitiesOwnReferences()
    {
        Assert.True(Store.TryGet(EntityUid.Of("Group", "staff"), out var staff));
        var ancestors = Store.AncestorsOf(EntityUid.Of("User", "alice"));

        Assert.Same(staff.Uid, ancestors.Single(a => a.Equals(staff.Uid)));

        // An ancestor that is not stored is held as the reference that named it.
        Assert.Contains(EntityUid.Of("Group", "everyone"), ancestors);
    }

    [Fact]
    public void PreparedRequest_StartsAStoredEntitysLineageWithTheStoresReference()
    {
        Assert.True(Store.TryGet(EntityUid.Of("User", "alice"), out var alice));
        var request = new Request(EntityUid.Of("User", "alice"), EntityUid.Of("Action", "view"), EntityUid.Of("User", "alice"), RecordValue.Empty);

        var prepared = new PreparedRequest(request, Store);
        var overlaid = new PreparedRequest(request, Store, new Entity(request.Principal), null);

        Assert.Same(alice.Uid, prepared.PrincipalLineage[0]);
        Assert.Same(alice.Uid, prepared.ResourceLineage[0]);

        // An overlay of the one entity that is both sides replaces both, so neither lineage starts with the stored reference.
        Assert.Same(request.Principal, overlaid.PrincipalLineage[0]);
        Assert.Same(request.Resource, overlaid.ResourceLineage[0]);
        Assert.Equal(prepared.PrincipalLineage, overlaid.PrincipalLineage);
    }

    [Fact]
    public void Store_ExposesCollectionsThatCannotBeModified()
    {
        Assert.True(Store.TryGet(EntityUid.Of("User", "alice"), out var alice));

        Assert.False(alice.Attributes is IDictionary<string, CedarValue> { IsReadOnly: false });
        Assert.False(alice.Parents is ISet<EntityUid> { IsReadOnly: false });
        Assert.False(Store.AncestorsOf(alice.Uid) is ISet<EntityUid> { IsReadOnly: false });
        Assert.False(new RecordValue([new("a", BoolValue.True)]).Fields is IDictionary<string, CedarValue> { IsReadOnly: false });
    }

    [Fact]
    public void Record_With_AddsOrReplacesAField_AndLeavesTheOriginalAlone()
    {
        var original = new RecordValue([new("a", new LongValue(1)), new("b", BoolValue.True)]);

        var added = original.With("c", new StringValue("x"));
        var replaced = original.With("a", new LongValue(2));

        Assert.Equal(new RecordValue([new("a", new LongValue(1)), new("b", BoolValue.True), new("c", new StringValue("x"))]), added);
        Assert.Equal(new RecordValue([new("a", new LongValue(2)), new("b", BoolValue.True)]), replaced);
        Assert.Equal(2, original.Fields.Count);
        Assert.Equal(new LongValue(1), original.Fields["a"]);
    }

    [Fact]
    public void Store_BuiltInCode_ToleratesCyclesAndReportsThem()
    {
        var a = EntityUid.Of("G", "a");
        var b = EntityUid.Of("G", "b");
        var store = new EntityStore([new Entity(a, parents: [b]), new Entity(b, parents: [a])]);

        Assert.True(store.IsIn(a, b));
        Assert.True(store.IsIn(b, a));
        Assert.NotNull(store.CycleMember);
        Assert.Null(Store.CycleMember);
    }

    [Fact]
    public void CedarJson_RefusesCyclicHierarchies_AsTheReferenceDoes()
    {
        var error = Assert.Throws<Mandate.Cedar.Json.CedarJsonException>(() => CedarFixture.Entities("""
            [{"uid": {"type": "G", "id": "a"}, "attrs": {}, "parents": [{"type": "G", "id": "a"}]}]
            """));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }
}
