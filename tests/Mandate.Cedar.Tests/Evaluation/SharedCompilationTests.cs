using Mandate.Cedar.Ast;
using Mandate.Cedar.Authorization;
using Mandate.Cedar.Evaluation;
using Mandate.Cedar.Json;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Evaluation;

/// <summary>A policy set compiles each distinct subexpression once; only expressions that compute the same thing share.</summary>
public sealed class SharedCompilationTests
{
    private static PolicyIndex Index(string policies) => new(CedarParser.ParsePolicySet(policies).Policies);

    // A policy with one `when` condition is evaluated by that condition's own delegate.
    private static CompiledExpression Body(PolicyIndex index, int policy) => index.Policies[policy].Condition!;

    [Fact]
    public void IdenticalConditionsWrittenApart_ShareOneDelegate()
    {
        var index = Index("""
            permit(principal, action, resource) when { context.purpose == "audit" && context.level > 2 };
            permit(principal == User::"bob", action, resource)
              when {   context.purpose   ==   "audit"
                    && context.level > 2 };
            forbid(principal, action, resource) when { context.purpose == "audit" && context.level > 2 };
            """);

        Assert.Same(Body(index, 0), Body(index, 1));
        Assert.Same(Body(index, 0), Body(index, 2));
    }

    [Fact]
    public void PoliciesWhoseConditionsReadAlike_ShareOneDelegate_WhateverTheirClauses()
    {
        var index = Index("""
            forbid(principal, action == Action::"delete", resource in Project::"a") unless { context.purpose == "incident" };
            forbid(principal, action == Action::"delete", resource in Project::"b") unless { context.purpose == "incident" };
            permit(principal, action, resource) when { context.ok } unless { context.purpose == "incident" };
            permit(principal == User::"bob", action, resource) when { context.ok } unless { context.purpose == "incident" };
            permit(principal, action, resource) when { context.ok } unless { context.purpose == "audit" };
            """);

        Assert.Same(index.Policies[0].Condition, index.Policies[1].Condition);
        Assert.Same(index.Policies[2].Condition, index.Policies[3].Condition);
        Assert.NotSame(index.Policies[2].Condition, index.Policies[4].Condition);
    }

    [Fact]
    public void ExpressionsTheShapeCallsEqual_HashAlike()
    {
        // The same call written as a method or as a function (Cedar's JSON form does not say which) is one shape.
        var ip = new GetAttributeExpr(new VariableExpr(Variable.Context), "ip");
        var net = new GetAttributeExpr(new VariableExpr(Variable.Context), "net");
        var method = new ExtensionCallExpr(Name.Unqualified("isInRange"), [ip, net], IsMethodStyle: true);
        var function = new ExtensionCallExpr(Name.Unqualified("isInRange"), [ip, net], IsMethodStyle: false);

        Assert.True(ExprShape.Comparer.Equals(method, function));
        Assert.Equal(ExprShape.Comparer.GetHashCode(method), ExprShape.Comparer.GetHashCode(function));
    }

    [Theory]
    [InlineData("context.purpose == \"audit\"", "context.purpose == \"Audit\"")]
    [InlineData("context.level == 1", "context.level == \"1\"")]
    [InlineData("context.level < 2", "context.level <= 2")]
    [InlineData("context.level < 2", "context.other < 2")]
    [InlineData("principal.level < 2", "resource.level < 2")]
    [InlineData("context.level < 2 && context.ok", "context.ok && context.level < 2")]
    [InlineData("context.ip.isInRange(ip(\"10.0.0.0/8\"))", "context.ip.isInRange(ip(\"10.0.0.0/16\"))")]
    [InlineData("decimal(\"1.5\") < context.d", "decimal(\"1.6\") < context.d")]
    [InlineData("context.name like \"a*\"", "context.name like \"a\\*\"")]
    [InlineData("context.tags.contains(\"x\")", "context.tags.containsAll([\"x\"])")]
    [InlineData("{a: 1}.a == context.level", "{b: 1}.b == context.level")]
    [InlineData("principal is User", "principal is User in Group::\"eng\"")]
    public void ExpressionsThatComputeDifferently_DoNotShare(string first, string second)
    {
        var index = Index($"permit(principal, action, resource) when {{ {first} }};\npermit(principal, action, resource) when {{ {second} }};");

        Assert.NotSame(Body(index, 0), Body(index, 1));
    }

    [Fact]
    public void SharedSubexpressions_DecideEachPolicyByItsOwnLiterals()
    {
        // policy0 and policy1 share `context.level > 2`; only their purposes differ.
        var policies = CedarParser.ParsePolicySet("""
            permit(principal, action, resource) when { context.level > 2 && context.purpose == "audit" };
            permit(principal, action, resource) when { context.level > 2 && context.purpose == "etl" };
            forbid(principal, action, resource) when { context.level > 2 && context.purpose == "etl" && context.night };
            """);

        AuthorizationResponse Decide(string context) => Authorizer.IsAuthorized(
            CedarFixture.DefaultRequest with { Context = CedarJson.ParseContext(context) }, policies, Entities.EntityStore.Empty);

        Assert.Equal(["policy0"], Decide("""{"level": 3, "purpose": "audit", "night": true}""").Reasons);
        Assert.Equal(["policy1"], Decide("""{"level": 3, "purpose": "etl", "night": false}""").Reasons);
        var denied = Decide("""{"level": 3, "purpose": "etl", "night": true}""");
        Assert.Equal(Decision.Deny, denied.Decision);
        Assert.Equal(["policy2"], denied.Reasons);
        var errored = Decide("""{"level": "high", "purpose": "etl"}""");
        Assert.Equal(Decision.Deny, errored.Decision);
        Assert.Equal(["policy0", "policy1", "policy2"], errored.Errors.Select(e => e.PolicyId));
    }
    [Fact]
    public void AttributeNamesAPolicyReads_AreTheRuntimesOwn_AndRecordsAnswerAlikeWithAnyCopyOfTheName()
    {
        // A name no other code uses, so that only compiling the policy can have put it in the runtime's pool.
        var name = "attr_" + Guid.NewGuid().ToString("N");
        Assert.Null(string.IsInterned(name));

        var policies = CedarParser.ParsePolicySet($$"""
            permit(principal, action, resource) when { context has {{name}} && context.{{name}} == "yes" };
            """);
        Assert.NotNull(policies.Index);
        var pooled = string.IsInterned(name);
        Assert.NotNull(pooled);

        // The pooled instance and a fresh copy of the name are the same key.
        foreach (var key in new[] { pooled, new string(name.AsSpan()) })
        {
            var context = new RecordValue([KeyValuePair.Create<string, CedarValue>(key, new StringValue("yes"))]);
            Assert.Equal(Decision.Allow, Authorizer.IsAuthorized(CedarFixture.DefaultRequest with { Context = context }, policies, Entities.EntityStore.Empty).Decision);
        }
    }
}
