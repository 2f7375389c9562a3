using Mandate.Cedar.Schema;

namespace Mandate.Cedar.Tests.Schema;

public sealed class CedarSchemaParseTests
{
    [Fact]
    public void Parse_EntityWithParentsAttributesAndTags_ResolvesEverything()
    {
        var schema = CedarSchema.Parse("""
            // a photo-sharing app
            entity Group;
            entity User, Admin in [Group] = {
                name: String,
                "age"?: Long,
                roles: Set<String>,
                manager?: User,
                ip: ipaddr,
            } tags __cedar::decimal;
            """);

        var user = schema.EntityTypes["User"];
        Assert.Equal(["Group"], user.MemberOfTypes);
        Assert.Equal(new AttributeType(SchemaType.String, true), user.Attributes.Attributes["name"]);
        Assert.Equal(new AttributeType(SchemaType.Long, false), user.Attributes.Attributes["age"]);
        Assert.Equal(new AttributeType(new SetType(SchemaType.String), true), user.Attributes.Attributes["roles"]);
        Assert.Equal(new AttributeType(new EntityRefType("User"), false), user.Attributes.Attributes["manager"]);
        Assert.Equal(new ExtensionType("ipaddr"), user.Attributes.Attributes["ip"].Type);
        Assert.Equal(new ExtensionType("decimal"), user.Tags);
        Assert.Equal(user.Attributes, schema.EntityTypes["Admin"].Attributes);
        Assert.Null(schema.EntityTypes["Group"].Tags);
    }

    [Fact]
    public void Parse_EnumeratedEntity_KeepsIds()
    {
        var schema = CedarSchema.Parse("""entity Color enum ["red", "green"]; action a;""");

        Assert.Equal(["red", "green"], schema.EntityTypes["Color"].EnumIds);
    }

    [Fact]
    public void Parse_ActionsWithGroupsAndAppliesTo_BuildsHierarchy()
    {
        var schema = CedarSchema.Parse("""
            entity User;
            entity Photo;
            action read;
            action "view photo", edit in [read, Action::"read"] appliesTo {
                principal: User,
                resource: [Photo],
                context: { ip: ipaddr, mfa?: Bool }
            };
            """);

        var view = schema.Actions[new ActionUid("Action", "view photo")];
        Assert.Equal([new ActionUid("Action", "read")], view.MemberOf);
        Assert.Equal(["User"], view.PrincipalTypes);
        Assert.Equal(["Photo"], view.ResourceTypes);
        Assert.False(view.Context.Attributes["mfa"].Required);
        Assert.True(schema.IsActionIn(new ActionUid("Action", "edit"), new ActionUid("Action", "read")));
        Assert.Equal(3, schema.ActionsIn(new ActionUid("Action", "read")).Count);
        Assert.Empty(schema.Actions[new ActionUid("Action", "read")].PrincipalTypes);
    }

    [Fact]
    public void Parse_Namespace_QualifiesDeclarationsAndResolvesLocalNamesFirst()
    {
        var schema = CedarSchema.Parse("""
            entity User;
            entity Shared;
            @doc("the app")
            namespace App {
                type Name = String;
                entity User = { name: Name, friend: User, shared: Shared, global: __cedar::String };
                action view appliesTo { principal: [User, Shared], resource: User };
            }
            """);

        var user = schema.EntityTypes["App::User"];
        Assert.Equal(SchemaType.String, user.Attributes.Attributes["name"].Type);
        Assert.Equal(new EntityRefType("App::User"), user.Attributes.Attributes["friend"].Type);
        Assert.Equal(new EntityRefType("Shared"), user.Attributes.Attributes["shared"].Type);
        var view = schema.Actions[new ActionUid("App::Action", "view")];
        Assert.Equal(["App::User", "Shared"], view.PrincipalTypes);
    }

    [Fact]
    public void Parse_CommonTypeShadowsBuiltinExtension()
    {
        var schema = CedarSchema.Parse("""
            namespace N {
                type ipaddr = { value: String };
                entity E = { a: ipaddr, b: __cedar::ipaddr };
                action a;
            }
            """);

        var attributes = schema.EntityTypes["N::E"].Attributes.Attributes;
        Assert.IsType<RecordType>(attributes["a"].Type);
        Assert.Equal(new ExtensionType("ipaddr"), attributes["b"].Type);
    }

    [Fact]
    public void Parse_CommonTypeAsContext_IsAccepted()
    {
        var schema = CedarSchema.Parse("""
            type Ctx = { token: String };
            entity U;
            action a appliesTo { principal: U, resource: U, context: Ctx };
            """);

        Assert.Equal(SchemaType.String, schema.Actions[new ActionUid("Action", "a")].Context.Attributes["token"].Type);
    }

    [Fact]
    public void Parse_StringEscapes_AreDecoded()
    {
        var schema = CedarSchema.Parse("""action "a\n\u{1F600}\"\\\x41";""");

        Assert.Contains(new ActionUid("Action", "a\n\U0001F600\"\\A"), schema.Actions.Keys);
    }

    [Theory]
    [InlineData("entity User in [Group];", "schema.undeclared-type", "undeclared entity type `Group`", 1, 17)]
    [InlineData("entity User = { a: Strin };", "schema.undeclared-type", "undeclared type `Strin`", 1, 20)]
    [InlineData("entity User\naction a;", "schema.syntax", "expected `;` to end the declaration of entity type `User`, found `action`", 2, 1)]
    [InlineData("action a in [b];", "schema.undeclared-action", "undeclared action `Action::\"b\"`", 1, 14)]
    [InlineData("entity U; action a appliesTo { principal: U };", "schema.syntax", "`appliesTo` of action `a` must declare both `principal` and `resource`", 1, 46)]
    [InlineData("type Long = String;", "schema.reserved", "`Long` is a builtin type name and cannot name a common type", 1, 1)]
    [InlineData("entity U; entity U;", "schema.duplicate", "entity type `U` is declared twice", 1, 18)]
    [InlineData("type A = B; type B = A; entity E = { a: A };", "schema.type-cycle", "common type `A` is defined in terms of itself", 1, 1)]
    [InlineData("entity U; action a appliesTo { principal: U, resource: U, context: Long };", "schema.context", "the context of action `Action::\"a\"` must be a record type", 1, 68)]
    [InlineData("entity U = { a: \"x\\q\" };", "schema.syntax", "invalid escape `\\q` in string", 1, 19)]
    [InlineData("namespace __cedar { entity U; }", "schema.reserved", "namespace `__cedar` uses the reserved name `__cedar`", 1, 1)]
    public void Parse_InvalidSchema_ReportsWhereAndWhy(string text, string code, string message, int line, int column)
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.Parse(text));

        Assert.Equal(code, error.Code);
        Assert.StartsWith(message, error.Detail, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_ActionCycle_IsRejected()
    {
        var error = Assert.Throws<SchemaException>(() => CedarSchema.Parse("action a in b; action b in a;"));

        Assert.Equal("schema.action-cycle", error.Code);
    }

    [Fact]
    public void MayBeMemberOf_FollowsDeclaredMembershipTransitively()
    {
        var schema = CedarSchema.Parse("entity A in B; entity B in C; entity C; action a;");

        Assert.True(schema.MayBeMemberOf("A", "C"));
        Assert.False(schema.MayBeMemberOf("C", "A"));
        Assert.False(schema.MayBeMemberOf("A", "A"));
    }

    [Fact]
    public void Parse_DeeplyNestedType_IsRefusedWithItsPosition()
    {
        var text = "entity A { x: " + string.Concat(Enumerable.Repeat("Set<", 100_000)) + "Long" + new string('>', 100_000) + " };";

        var error = Assert.Throws<SchemaException>(() => CedarSchema.Parse(text));

        Assert.Contains("nesting exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongChainOfCommonTypes_IsRefusedBeforeItExhaustsTheStack()
    {
        var text = string.Join('\n', Enumerable.Range(0, 100_000).Select(i => $"type T{i} = T{i + 1};")) + "\ntype T100000 = Long;\nentity A { x: T0 };";

        var error = Assert.Throws<SchemaException>(() => CedarSchema.Parse(text));

        Assert.Contains("more than 512 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongActionChain_ResolvesWithoutRecursion()
    {
        var text = string.Join('\n', Enumerable.Range(0, 100_000).Select(i => $"action a{i} in [a{i + 1}];")) + "\naction a100000;";

        var schema = CedarSchema.Parse(text);

        Assert.Equal(100_001, schema.Actions.Count);
    }
}
