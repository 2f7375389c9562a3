using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Schema;
using Mandate.Cedar.Validation;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Validation;

public sealed class RequestValidatorTests
{
    private static readonly RequestValidator Validator = new(CedarSchema.Parse("""
        entity Team;
        entity User in [Team] { level: Long, nick?: String };
        entity Doc tags Long;
        entity Color enum ["red", "blue"];
        action view appliesTo { principal: [User], resource: [Doc, Color], context: { purpose: String, ip?: ipaddr, limit: decimal } };
        """));

    private static Request Request(string principal, string action, string resource, string context) => new(
        EntityUid.Of(principal.Split(':')[0], principal.Split(':')[1]),
        EntityUid.Of("Action", action),
        EntityUid.Of(resource.Split(':')[0], resource.Split(':')[1]),
        CedarJson.ParseContext(context));

    [Fact]
    public void Validate_RequestThatFits_HasNoProblems()
    {
        var request = Validator.Conform(Request("User:alice", "view", "Doc:d", """{"purpose": "audit", "ip": "10.1.2.3", "limit": "1.5"}"""));

        Assert.Empty(Validator.Validate(request));
        Assert.IsType<IpAddrValue>(request.Context.Fields["ip"]);
        Assert.IsType<DecimalValue>(request.Context.Fields["limit"]);
    }

    [Theory]
    [InlineData("User:alice", "edit", "Doc:d", """{"purpose": "a", "limit": "1.0"}""", "action `Action::\"edit\"` is not declared")]
    [InlineData("Doc:x", "view", "Doc:d", """{"purpose": "a", "limit": "1.0"}""", "principal type Doc is not allowed for action `Action::\"view\"` (allowed: User)")]
    [InlineData("User:alice", "view", "Team:t", """{"purpose": "a", "limit": "1.0"}""", "resource type Team is not allowed")]
    [InlineData("User:alice", "view", "Color:green", """{"purpose": "a", "limit": "1.0"}""", "resource `Color::\"green\"` is not one of the ids enumerated for Color")]
    [InlineData("User:alice", "view", "Doc:d", """{"limit": "1.0"}""", "context: required attribute `purpose` is missing")]
    [InlineData("User:alice", "view", "Doc:d", """{"purpose": 7, "limit": "1.0"}""", "context.purpose: expected String, found `7`")]
    [InlineData("User:alice", "view", "Doc:d", """{"purpose": "a", "limit": "1.0", "extra": true}""", "context: attribute `extra` is not declared")]
    [InlineData("User:alice", "view", "Doc:d", """{"purpose": "a", "limit": "lots"}""", "context.limit: expected decimal")]
    public void Validate_RequestOutsideTheSchema_SaysWhy(string principal, string action, string resource, string context, string expected)
    {
        var problems = Validator.Validate(Validator.Conform(Request(principal, action, resource, context)));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Entities_ChecksAttributesParentsAndTags()
    {
        var entities = Validator.Conform(CedarJson.ParseEntities("""
            [
              {"uid": {"type": "User", "id": "ok"}, "attrs": {"level": 3}, "parents": [{"type": "Team", "id": "t"}]},
              {"uid": {"type": "User", "id": "bad"}, "attrs": {"level": "3"}, "parents": [{"type": "Doc", "id": "d"}]},
              {"uid": {"type": "Doc", "id": "d"}, "attrs": {}, "parents": [], "tags": {"n": "x"}},
              {"uid": {"type": "Ghost", "id": "g"}, "attrs": {}, "parents": []}
            ]
            """));

        var problems = Validator.Validate(entities);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("attributes of `User::\"bad\"`.level: expected Long", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("User may not be a member of Doc", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tag `n` of `Doc::\"d\"`: expected Long", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("type Ghost, which the schema does not declare", StringComparison.Ordinal));
    }
}
