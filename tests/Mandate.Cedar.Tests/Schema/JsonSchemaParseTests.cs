using Mandate.Cedar.Schema;

namespace Mandate.Cedar.Tests.Schema;

public sealed class JsonSchemaParseTests
{
    [Fact]
    public void ParseJson_FullNamespace_MatchesTheCedarSyntax()
    {
        var json = CedarSchema.ParseJson("""
            {
              "App": {
                "commonTypes": {
                  "Name": { "type": "String" }
                },
                "entityTypes": {
                  "Group": {},
                  "User": {
                    "memberOfTypes": ["Group"],
                    "shape": {
                      "type": "Record",
                      "attributes": {
                        "name": { "type": "Name" },
                        "age": { "type": "Long", "required": false },
                        "groups": { "type": "Set", "element": { "type": "Entity", "name": "Group" } },
                        "ip": { "type": "Extension", "name": "ipaddr" },
                        "boss": { "type": "EntityOrCommon", "name": "User" },
                        "ok": { "type": "Boolean" }
                      }
                    },
                    "tags": { "type": "String" }
                  },
                  "Color": { "enum": ["red"] }
                },
                "actions": {
                  "read": {},
                  "view": {
                    "memberOf": [{ "id": "read" }, { "id": "read", "type": "App::Action" }],
                    "appliesTo": {
                      "principalTypes": ["User"],
                      "resourceTypes": ["Group"],
                      "context": { "type": "Record", "attributes": { "mfa": { "type": "Boolean" } } }
                    },
                    "annotations": { "doc": "viewing" }
                  }
                }
              }
            }
            """);
        var cedar = CedarSchema.Parse("""
            namespace App {
                type Name = String;
                entity Group;
                entity User in [Group] = { name: Name, age?: Long, groups: Set<Group>, ip: ipaddr, boss: User, ok: Bool } tags String;
                entity Color enum ["red"];
                action read;
                @doc("viewing")
                action view in [read] appliesTo { principal: [User], resource: [Group], context: { mfa: Bool } };
            }
            """);

        Assert.Equal(cedar.EntityTypes.Keys.Order(), json.EntityTypes.Keys.Order());
        Assert.Equal(cedar.EntityTypes["App::User"].Attributes, json.EntityTypes["App::User"].Attributes);
        Assert.Equal(cedar.EntityTypes["App::User"].Tags, json.EntityTypes["App::User"].Tags);
        Assert.Equal(cedar.EntityTypes["App::Color"].EnumIds, json.EntityTypes["App::Color"].EnumIds);
        var uid = new ActionUid("App::Action", "view");
        Assert.Equal(cedar.Actions[uid].MemberOf, json.Actions[uid].MemberOf);
        Assert.Equal(cedar.Actions[uid].Context, json.Actions[uid].Context);
        Assert.Equal("viewing", json.Actions[uid].Annotations["doc"]);
    }

    [Theory]
    [InlineData("""{ "": { "entityTypes": {} } }""", "the empty namespace must have both `entityTypes` and `actions`")]
    [InlineData("""{ "": { "entityTypes": { "U": { "shape": { "type": "Record", "attributes": { "a": { "type": "Set" } } } } }, "actions": {} } }""", "attribute `a` of `shape` of entity type `U` is a `Set` without an `element` type")]
    [InlineData("""{ "": { "entityTypes": { "U": { "memberOf": [] } }, "actions": {} } }""", "unknown field `memberOf` in entity type `U`")]
    [InlineData("""{ "": { "entityTypes": {}, "actions": { "a": { "appliesTo": { "principalTypes": ["X"], "resourceTypes": [] } } } } }""", "undeclared entity type `X`")]
    [InlineData("""{ "": { "entityTypes": { "U": { "shape": { "type": "Extension", "name": "money" } } }, "actions": {} } }""", "unknown extension type `money`")]
    public void ParseJson_InvalidSchema_SaysWhatIsWrong(string json, string message)
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.ParseJson(json));

        Assert.StartsWith(message, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseJson_MalformedJson_ReportsPosition()
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.ParseJson("{\n  \"\": { ,"));

        Assert.Equal("schema.syntax", error.Code);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("""{"Ap: p": {"entityTypes": {}, "actions": {}}}""", "a namespace")]
    [InlineData("""{"": {"entityTypes": {"A::B": {}}, "actions": {}}}""", "an entity type name")]
    [InlineData("""{"": {"entityTypes": {"A": {"memberOfTypes": ["B C"]}}, "actions": {}}}""", "`memberOfTypes`")]
    [InlineData("""{"": {"entityTypes": {}, "actions": {"a": {"appliesTo": {"principalTypes": ["if"], "resourceTypes": []}}}}}""", "`principalTypes`")]
    [InlineData("""{"": {"commonTypes": {"T": {"type": "Entity", "name": "::X"}}, "entityTypes": {}, "actions": {}}}""", "the `name`")]
    public void ParseJson_NamesThatAreNotCedarNames_AreRefused(string json, string where)
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.ParseJson(json));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
    }
}
