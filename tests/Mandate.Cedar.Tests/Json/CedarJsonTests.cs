using System.Text.Json;
using Mandate.Cedar.Json;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Json;

public sealed class CedarJsonTests
{
    private static readonly CedarJsonOptions Implicit = new() { ImplicitEntityReferences = true };

    private static CedarValue Value(string json, CedarJsonOptions? options = null)
    {
        using var document = JsonDocument.Parse(json);
        return CedarJson.ParseValue(document.RootElement, options);
    }

    [Fact]
    public void ParseValue_ReadsLongsWithoutLoss()
    {
        Assert.Equal(new LongValue(-9223372036854775808), Value("-9223372036854775808"));
        Assert.Equal(new LongValue(9007199254740993), Value("9007199254740993"));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")]
    [InlineData("null")]
    public void ParseValue_RejectsNonCedarValues(string json) => Assert.Throws<CedarJsonException>(() => Value(json));

    [Fact]
    public void ParseValue_ReadsEscapes()
    {
        Assert.Equal(EntityUid.Of("User", "a"), Value("""{"__entity": {"type": "User", "id": "a"}}"""));
        Assert.Equal(EntityUid.Of("A::B", "x"), Value("""{"type": "A::B", "id": "x"}""", Implicit));
        Assert.Equal(new DecimalValue(12_000), Value("""{"__extn": {"fn": "decimal", "arg": "1.2"}}"""));
        Assert.Equal(
            new DatetimeValue(86_400_000),
            Value("""{"__extn": {"fn": "offset", "args": [{"__extn": {"fn": "datetime", "arg": "1970-01-01"}}, {"__extn": {"fn": "duration", "arg": "1d"}}]}}"""));
    }

    [Fact]
    public void ParseValue_ObjectsThatAreNotUidsAreRecords()
    {
        var record = Assert.IsType<RecordValue>(Value("""{"type": "User", "id": "a", "extra": 1}""", Implicit));
        Assert.Equal(3, record.Fields.Count);
        Assert.IsType<RecordValue>(Value("""{"type": "not a name", "id": "a"}""", Implicit));
    }

    [Fact]
    public void ParseValue_WithoutImplicitReferences_ReadsTypeAndIdAsARecord()
    {
        var record = Assert.IsType<RecordValue>(Value("""{"type": "User", "id": "a"}"""));

        Assert.Equal(new StringValue("User"), record.Fields["type"]);
    }

    [Fact]
    public void ParseValue_EscapesWithoutTheirShape_AreRecords()
    {
        Assert.IsType<RecordValue>(Value("""{"__extn": {"fn": "ip"}}"""));
        Assert.IsType<RecordValue>(Value("""{"__entity": {"type": "U"}}"""));
        Assert.Throws<CedarJsonException>(() => Value("""{"__expr": "1"}"""));
    }

    [Fact]
    public void ParseContext_AnEscapeIsNotARecord()
    {
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext("""{"__entity": {"type": "U", "id": "a"}}"""));
    }

    [Theory]
    [InlineData("""{"purpose": "audit"}""", 2, 7L)]
    [InlineData("""{}""", 1, 7L)]
    [InlineData("""{"purpose": "audit", "n": 1}""", 2, 1L)]
    public void ParseContext_WithDefaults_AddsOnlyWhatTheObjectLacks(string json, int fields, long n)
    {
        using var document = JsonDocument.Parse(json);

        var context = CedarJson.ParseContext(document.RootElement, [KeyValuePair.Create<string, CedarValue>("n", new LongValue(7))]);

        Assert.Equal(fields, context.Fields.Count);
        Assert.Equal(new LongValue(n), context.Fields["n"]);
        using var array = JsonDocument.Parse("[]");
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseContext(array.RootElement, [KeyValuePair.Create<string, CedarValue>("n", new LongValue(7))]));
    }

    [Fact]
    public void ParseValue_BadExtensionArgument_IsRejected()
    {
        var error = Assert.Throws<CedarJsonException>(() => Value("""{"__extn": {"fn": "ip", "arg": "nope"}}"""));
        Assert.Contains("`ip`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_ReadsAttributesParentsAndTags()
    {
        var store = CedarJson.ParseEntities("""
            [{"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1}, "parents": [{"type": "G", "id": "g"}], "tags": {"t": "v"}}]
            """);

        Assert.True(store.TryGet(EntityUid.Of("User", "a"), out var entity));
        Assert.Equal(new LongValue(1), entity.Attributes["n"]);
        Assert.Contains(EntityUid.Of("G", "g"), entity.Parents);
        Assert.Equal(new StringValue("v"), entity.Tags["t"]);
    }

    [Fact]
    public void ParseEntities_SameUidWithDifferentContents_IsRejected()
    {
        var error = Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities("""
            [{"uid": {"type": "U", "id": "a"}, "attrs": {"n": 1}, "parents": []},
             {"uid": {"__entity": {"type": "U", "id": "a"}}, "attrs": {"n": 2}, "parents": []}]
            """));
        Assert.Contains("duplicate entity entry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEntities_RepeatedIdenticalEntity_IsAccepted()
    {
        var store = CedarJson.ParseEntities("""
            [{"uid": {"type": "U", "id": "a"}, "attrs": {"n": 1}, "parents": [{"type": "G", "id": "g"}]},
             {"uid": {"type": "U", "id": "a"}, "attrs": {"n": 1}, "parents": [{"type": "G", "id": "g"}]}]
            """);

        Assert.Equal(1, store.Count);
    }

    [Theory]
    [InlineData("""[{"uid": {"type": "U", "id": "a"}, "parents": []}]""")]
    [InlineData("""[{"uid": {"type": "U", "id": "a"}, "attrs": {}}]""")]
    [InlineData("""[{"uid": {"type": "U ", "id": "a"}, "attrs": {}, "parents": []}]""")]
    [InlineData("""[{"uid": {"type": "if", "id": "a"}, "attrs": {}, "parents": []}]""")]
    [InlineData("""[{"uid": {"type": "U", "id": "a"}, "attrs": {}, "parents": [], "tags": []}]""")]
    public void ParseEntities_MalformedEntity_IsRejected(string json) =>
        Assert.Throws<CedarJsonException>(() => CedarJson.ParseEntities(json));

    [Fact]
    public void ParseRequest_ReadsAllParts()
    {
        using var document = JsonDocument.Parse("""
            {"principal": {"type": "U", "id": "a"}, "action": {"type": "Action", "id": "v"}, "resource": {"type": "R", "id": "r"}, "context": {"k": true}}
            """);

        var request = CedarJson.ParseRequest(document.RootElement);

        Assert.Equal(EntityUid.Of("Action", "v"), request.Action);
        Assert.Equal(BoolValue.True, request.Context.Fields["k"]);
    }
}
