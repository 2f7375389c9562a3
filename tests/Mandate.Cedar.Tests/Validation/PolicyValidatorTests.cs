using Mandate.Cedar.Schema;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Validation;

namespace Mandate.Cedar.Tests.Validation;

public sealed class PolicyValidatorTests
{
    private const string Schema = """
        namespace App {
          type Address = { city: String, zip?: String };
          entity Org;
          entity Team in [Org];
          entity User in [Team] { level: Long, manager?: User, address: Address, roles: Set<String> };
          entity Document in [Folder] { owner: User, classification: String } tags String;
          entity Folder;
          entity Status enum ["draft", "published"];
          action read, write appliesTo { principal: [User], resource: [Document], context: { purpose: String, ip?: ipaddr, at: datetime } };
          action manage in [write] appliesTo { principal: [User], resource: [Folder] };
        }
        """;

    private static readonly PolicyValidator Validator = new(CedarSchema.Parse(Schema));

    private static ValidationResult Validate(string policies) => Validator.Validate(CedarParser.ParsePolicySet(policies));

    private static ValidationError SingleError(string policies) => Assert.Single(Validate(policies).Errors);

    [Theory]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { resource.owner == principal && context.purpose == "audit" };""")]
    [InlineData("""permit(principal in App::Org::"acme", action in [App::Action::"read", App::Action::"write"], resource in App::Folder::"f");""")]
    [InlineData("""permit(principal, action, resource is App::Document) when { principal has manager && principal.manager.level > principal.level };""")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { context has ip && context.ip.isInRange(ip("10.0.0.0/8")) };""")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { resource.hasTag("team") && resource.getTag("team") == "blue" };""")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { context.at < datetime("2026-12-01") && context.at.offset(duration("1h")).toTime().toHours() >= 9 };""")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.roles.contains("admin") && principal.address.city like "Ber*" };""")]
    [InlineData("""forbid(principal, action, resource) unless { if principal.address has zip then principal.address.zip == "" else false };""")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { if principal has manager then principal.manager.level > 1 else false };""")]
    [InlineData("""permit(principal, action, resource) when { App::Status::"draft" != App::Status::"published" };""")]
    public void Validate_WellTypedPolicy_HasNoErrors(string policy)
    {
        var result = Validate(policy);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData("""permit(principal == App::Usr::"a", action, resource);""", "entity type App::Usr is not declared")]
    [InlineData("""permit(principal, action == App::Action::"delete", resource);""", "action `App::Action::\"delete\"` is not declared")]
    [InlineData("""permit(principal, action, resource) when { principal is App::Robot };""", "entity type App::Robot is not declared")]
    [InlineData("""permit(principal, action, resource) when { App::Status::"archived" == App::Status::"draft" };""", "not one of the ids the schema declares")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.manager.level > 1 };""", "attribute `manager` of App::User is optional")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.salary > 1 };""", "App::User has no attribute `salary`")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.level + "1" > 2 };""", "expected a Long, found String")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.level };""", "expected a boolean, found Long")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { [1, "two"].contains(1) };""", "set elements have incompatible types")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { [].isEmpty() };""", "empty set literal")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { principal.level == "high" };""", "cannot compare Long with String")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { resource.getTag("team") == "blue" };""", "guard `getTag` with `hasTag`")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { ip(context.purpose).isLoopback() };""", "`ip` takes a single string literal")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { decimal("1.23456") == decimal("1.0") };""", "invalid `decimal` literal")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { context.at.toDays() > 1 };""", "`toDays` expects (duration), found (datetime)")]
    [InlineData("""permit(principal, action == App::Action::"read", resource) when { (if context.purpose == "x" then 1 else "one") == 1 };""", "incompatible types Long and String")]
    [InlineData("""permit(principal == App::User::"a", action == App::Action::"manage", resource is App::Document);""", "no action in the policy's scope applies")]
    public void Validate_IllTypedPolicy_ReportsWhatIsWrong(string policy, string expected)
    {
        var error = SingleError(policy);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("policy0", error.PolicyId);
    }

    [Fact]
    public void Validate_Error_PointsAtTheOffendingExpression()
    {
        var error = SingleError("""
            permit(principal, action == App::Action::"read", resource)
            when {
              context.purpose == "audit" &&
                principal.manager.level > 1
            };
            """);

        Assert.Equal(4, error.Location.Line);
        Assert.Equal(5, error.Location.Column);
    }

    [Fact]
    public void Validate_GuardOnOneBranchOfOr_DoesNotGrantTheAttribute()
    {
        var error = SingleError("""
            permit(principal, action == App::Action::"read", resource)
            when { (principal has manager || principal.level > 3) && principal.manager.level > 1 };
            """);

        Assert.Contains("optional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GuardOnAnotherEntity_DoesNotGrantTheAttribute()
    {
        var error = SingleError("""
            permit(principal, action == App::Action::"read", resource)
            when { resource.owner has manager && principal.manager.level > 1 };
            """);

        Assert.Contains("optional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ConditionSkippedBecauseTheScopeCannotMatch_IsNotTypeChecked()
    {
        // Folder has no `owner`; the action scope makes the condition unreachable for Folder resources.
        var result = Validate("""permit(principal, action == App::Action::"read", resource) when { resource.owner == principal };""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Validate_PolicyThatCanNeverApply_IsAWarningNotAnError()
    {
        var result = Validate("""permit(principal, action == App::Action::"read", resource) when { principal is App::Org };""");

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("impossible", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ActionGroupScope_AppliesThroughTheHierarchy()
    {
        var result = Validate("""permit(principal, action in App::Action::"write", resource in App::Folder::"f") when { action == App::Action::"manage" };""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Validate_Template_TypeChecksWithItsSlotsOpen()
    {
        var result = Validate("""permit(principal == ?principal, action == App::Action::"read", resource in ?resource) when { principal.level > 1 };""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Validate_SeveralPolicies_ReportsEachInvalidOneById()
    {
        var result = Validate("""
            permit(principal, action == App::Action::"read", resource);
            permit(principal, action == App::Action::"read", resource) when { principal.nope };
            forbid(principal, action == App::Action::"read", resource) when { resource.nope };
            """);

        Assert.Equal(["policy1", "policy2"], result.Errors.Select(e => e.PolicyId).Distinct());
    }

    [Fact]
    public void Validate_JsonSchema_AgreesWithTheCedarSyntax()
    {
        var json = new PolicyValidator(CedarSchema.ParseJson("""
            {"": {"entityTypes": {"User": {"shape": {"type": "Record", "attributes": {"age": {"type": "Long"}}}}, "Doc": {}},
                  "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Doc"]}}}}}
            """));

        Assert.True(json.Validate(CedarParser.ParsePolicySet("permit(principal, action, resource) when { principal.age > 17 };")).IsValid);
        Assert.False(json.Validate(CedarParser.ParsePolicySet("permit(principal, action, resource) when { principal.age > \"17\" };")).IsValid);
    }
}
