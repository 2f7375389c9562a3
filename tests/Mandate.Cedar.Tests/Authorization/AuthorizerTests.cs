using Mandate.Cedar.Authorization;
using Mandate.Cedar.Entities;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Authorization;

public sealed class AuthorizerTests
{
    private static readonly EntityStore Store = CedarFixture.Entities("""
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": [{"type": "Group", "id": "eng"}]},
          {"uid": {"type": "Photo", "id": "p1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}}, "parents": [{"type": "Album", "id": "a"}]},
          {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]}
        ]
        """);

    private static AuthorizationResponse Authorize(string policies, Request? request = null) =>
        Authorizer.IsAuthorized(request ?? CedarFixture.DefaultRequest, CedarParser.ParsePolicySet(policies), Store);

    [Fact]
    public void NoPolicies_DenyByDefault()
    {
        var response = Authorize(string.Empty);

        Assert.Equal(Decision.Deny, response.Decision);
        Assert.Empty(response.Reasons);
        Assert.Empty(response.Errors);
    }

    [Fact]
    public void SatisfiedPermit_Allows()
    {
        var response = Authorize("""permit(principal in Group::"eng", action in Action::"read", resource in Album::"a");""");

        Assert.Equal(Decision.Allow, response.Decision);
        Assert.Equal(["policy0"], response.Reasons);
    }

    [Fact]
    public void SatisfiedForbid_OverridesPermits()
    {
        var response = Authorize("""
            permit(principal, action, resource);
            forbid(principal == User::"alice", action, resource) when { resource.owner == principal };
            permit(principal, action == Action::"view", resource);
            """);

        Assert.Equal(Decision.Deny, response.Decision);
        Assert.Equal(["policy1"], response.Reasons);
    }

    [Fact]
    public void SeveralSatisfiedPolicies_AreAllReasons_InOrder_AndASoleOneIsShared()
    {
        var policies = CedarParser.ParsePolicySet("""
            permit(principal, action == Action::"view", resource);
            forbid(principal, action == Action::"edit", resource) unless { context has reason };
            permit(principal, action in Action::"read", resource);
            forbid(principal, action == Action::"edit", resource);
            """);
        Request Asking(string action) => new(EntityUid.Of("User", "alice"), EntityUid.Of("Action", action), EntityUid.Of("Photo", "p1"), RecordValue.Empty);

        var viewed = Authorizer.IsAuthorized(Asking("view"), policies, Store);
        var edited = Authorizer.IsAuthorized(Asking("edit"), policies, Store);
        var read = Authorizer.IsAuthorized(Asking("read"), policies, Store);
        var readAgain = Authorizer.IsAuthorized(Asking("read"), policies, Store);

        Assert.Equal(Decision.Allow, viewed.Decision);
        Assert.Equal(["policy0", "policy2"], viewed.Reasons);
        Assert.Equal(Decision.Deny, edited.Decision);
        Assert.Equal(["policy1", "policy3"], edited.Reasons);
        Assert.Equal(Decision.Allow, read.Decision);
        Assert.Equal(["policy2"], read.Reasons);
        Assert.Same(read.Reasons, readAgain.Reasons);
        Assert.Same(read, readAgain);
        Assert.Empty(read.Errors);
        Assert.NotSame(viewed, Authorizer.IsAuthorized(Asking("view"), policies, Store));

        // A sole forbid's deny is shared too; a sole permit beside an error is not, and keeps the error.
        var forbidding = CedarParser.ParsePolicySet("""
            forbid(principal, action == Action::"edit", resource);
            permit(principal, action == Action::"view", resource) when { context.missing };
            permit(principal, action == Action::"view", resource);
            """);
        var denied = Authorizer.IsAuthorized(Asking("edit"), forbidding, Store);
        Assert.Equal(Decision.Deny, denied.Decision);
        Assert.Equal(["policy0"], denied.Reasons);
        Assert.Same(denied, Authorizer.IsAuthorized(Asking("edit"), forbidding, Store));
        var allowedWithError = Authorizer.IsAuthorized(Asking("view"), forbidding, Store);
        Assert.Equal(Decision.Allow, allowedWithError.Decision);
        Assert.Equal(["policy2"], allowedWithError.Reasons);
        Assert.Equal("policy1", Assert.Single(allowedWithError.Errors).PolicyId);
        Assert.NotSame(allowedWithError, Authorizer.IsAuthorized(Asking("view"), forbidding, Store));
    }

    [Fact]
    public void ErroringPolicy_IsSkippedAndReported()
    {
        var response = Authorize("""
            forbid(principal, action, resource) when { resource.missing };
            permit(principal, action, resource) unless { false };
            """);

        Assert.Equal(Decision.Allow, response.Decision);
        Assert.Equal(["policy1"], response.Reasons);
        var error = Assert.Single(response.Errors);
        Assert.Equal("policy0", error.PolicyId);
        Assert.Contains("`missing`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonBooleanCondition_IsAnError()
    {
        var response = Authorize("""permit(principal, action, resource) when { 1 };""");

        Assert.Equal(Decision.Deny, response.Decision);
        Assert.Equal("policy0", Assert.Single(response.Errors).PolicyId);
    }

    // A policy holds when its `when` bodies hold and its `unless` bodies do not, checked in order: the first that decides
    // ends it, and the first that fails (an error, or a value that is not a boolean) makes it an error.
    [Theory]
    [InlineData("when { true } unless { false }", "allow", false)]
    [InlineData("when { true } unless { true }", "deny", false)]
    [InlineData("unless { false } unless { false } when { true } when { true }", "allow", false)]
    [InlineData("when { false } unless { 1 }", "deny", false)]
    [InlineData("unless { true } when { resource.missing }", "deny", false)]
    [InlineData("when { true } unless { 1 }", "deny", true)]
    [InlineData("unless { 1 }", "deny", true)]
    [InlineData("unless { false } when { resource.missing }", "deny", true)]
    [InlineData("when { true && true } when { 1 < 2 } unless { false || false }", "allow", false)]
    public void Conditions_HoldInOrder(string conditions, string decision, bool failed)
    {
        var response = Authorize($"permit(principal, action, resource) {conditions};");

        Assert.Equal(decision == "allow" ? Decision.Allow : Decision.Deny, response.Decision);
        Assert.Equal(failed, response.Errors.Count == 1);
    }

    [Fact]
    public void ManyConditions_AreEvaluatedInOrder()
    {
        var holding = string.Concat(Enumerable.Repeat("when { true } unless { false } ", 500));
        Assert.Equal(Decision.Allow, Authorize($"permit(principal, action, resource) {holding};").Decision);

        var failingLast = Authorize($"permit(principal, action, resource) {holding} when {{ 1 }};");
        Assert.Equal(Decision.Deny, failingLast.Decision);
        Assert.Single(failingLast.Errors);
    }

    [Fact]
    public void ScopeMismatch_SkipsConditionsSoTheyCannotError()
    {
        var response = Authorize("""permit(principal == User::"bob", action, resource) when { resource.missing };""");

        Assert.Empty(response.Errors);
        Assert.Equal(Decision.Deny, response.Decision);
    }

    [Theory]
    [InlineData("""permit(principal is User, action, resource);""", true)]
    [InlineData("""permit(principal is Admin, action, resource);""", false)]
    [InlineData("""permit(principal is User in Group::"eng", action, resource);""", true)]
    [InlineData("""permit(principal, action in [Action::"write", Action::"read"], resource);""", true)]
    [InlineData("""permit(principal, action == Action::"read", resource);""", false)]
    [InlineData("""permit(principal, action, resource == Photo::"p2");""", false)]
    [InlineData("""permit(principal == User::"alice", action, resource in Album::"b");""", false)]
    public void Scope_IsMatchedThroughTheIndex(string policy, bool allowed)
    {
        Assert.Equal(allowed ? Decision.Allow : Decision.Deny, Authorize(policy).Decision);
    }

    [Fact]
    public void Request_ForUnknownEntities_StillEvaluates()
    {
        var request = new Request(EntityUid.Of("User", "ghost"), EntityUid.Of("Action", "view"), EntityUid.Of("Photo", "none"), RecordValue.Empty);

        var response = Authorize("""permit(principal == User::"ghost", action, resource) when { !(principal has name) };""", request);

        Assert.Equal(Decision.Allow, response.Decision);
    }
}
