using Mandate.Cedar.Ast;
using Mandate.Cedar.Syntax;
using Mandate.Cedar.Values;

namespace Mandate.Cedar.Tests.Syntax;

public sealed class ParserTests
{
    [Fact]
    public void ParsePolicySet_NamesPoliciesInFileOrder()
    {
        var set = CedarParser.ParsePolicySet("""
            permit(principal, action, resource);
            // a comment
            forbid(principal, action, resource) when { true };
            """);

        Assert.Equal(["policy0", "policy1"], set.Policies.Select(p => p.Id));
        Assert.Equal(Effect.Forbid, set.Policies[1].Effect);
    }

    [Fact]
    public void ParsePolicy_ReadsEveryScopeForm()
    {
        var policy = CedarParser.ParsePolicy("""
            permit(principal is Acme::User in Group::"admins", action in [Action::"read", Action::"write"], resource == Photo::"a\"b");
            """);

        Assert.Equal(ScopeOperator.IsIn, policy.Principal.Operator);
        Assert.Equal("Acme::User", policy.Principal.EntityType!.FullName);
        Assert.Equal(EntityUid.Of("Group", "admins"), policy.Principal.Entity!.Uid);
        Assert.Equal(ActionScopeOperator.In, policy.Action.Operator);
        Assert.True(policy.Action.IsList);
        Assert.Equal(2, policy.Action.Entities.Length);
        Assert.Equal(ScopeOperator.Equal, policy.Resource.Operator);
        Assert.Equal("a\"b", policy.Resource.Entity!.Uid!.Id);
    }

    [Fact]
    public void ParseExpression_QuotedReservedAttributes_AreAccepted()
    {
        Assert.IsType<GetAttributeExpr>(CedarParser.ParseExpression("principal[\"if\"]"));
        Assert.IsType<RecordExpr>(CedarParser.ParseExpression("{\"if\": 1, principal: 2}"));
        Assert.IsType<GetAttributeExpr>(CedarParser.ParseExpression("principal.permit"));
    }

    [Fact]
    public void ParsePolicy_TrailingCommaInScope_IsAccepted()
    {
        var policy = CedarParser.ParsePolicy("permit(principal, action, resource,);");

        Assert.Equal(ScopeOperator.Any, policy.Resource.Operator);
    }

    [Fact]
    public void ParsePolicy_ReadsAnnotationsWithAndWithoutValues()
    {
        var policy = CedarParser.ParsePolicy("""@id("first") @advice permit(principal, action, resource);""");

        Assert.Equal("first", policy.GetAnnotation("id"));
        Assert.Null(policy.GetAnnotation("advice"));
        Assert.Equal(2, policy.Annotations.Length);
    }

    [Fact]
    public void ParsePolicy_DuplicateAnnotation_IsRejected()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParsePolicy("""@a("1") @a("2") permit(principal, action, resource);"""));
        Assert.Contains("duplicate annotation `@a`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_MultiplicationBindsTighterThanAddition()
    {
        var expr = Assert.IsType<BinaryExpr>(CedarParser.ParseExpression("1 + 2 * 3"));

        Assert.Equal(BinaryOperator.Add, expr.Operator);
        Assert.Equal(BinaryOperator.Multiply, Assert.IsType<BinaryExpr>(expr.Right).Operator);
    }

    [Fact]
    public void ParseExpression_AndBindsTighterThanOr()
    {
        var expr = Assert.IsType<OrExpr>(CedarParser.ParseExpression("context.a == 1 || context.b == 2 && context.c == 3"));

        Assert.IsType<AndExpr>(expr.Right);
    }

    [Fact]
    public void ParseExpression_RepeatedUnaryOperatorsNest()
    {
        var expr = Assert.IsType<UnaryExpr>(CedarParser.ParseExpression("!!true"));

        Assert.Equal(UnaryOperator.Not, expr.Operator);
        Assert.Equal(UnaryOperator.Not, Assert.IsType<UnaryExpr>(expr.Operand).Operator);
    }

    [Fact]
    public void ParseExpression_SmallestLongIsALiteral()
    {
        var literal = Assert.IsType<LiteralExpr>(CedarParser.ParseExpression("-9223372036854775808"));

        Assert.Equal(new LongValue(long.MinValue), literal.Value);
    }

    [Fact]
    public void ParseExpression_IntegerOutOfRange_IsRejected()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression("9223372036854775808"));
        Assert.Contains("out of range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_HasPath_ExpandsToAChainOfTests()
    {
        var expr = Assert.IsType<AndExpr>(CedarParser.ParseExpression("context has a.b"));

        Assert.Equal("a", Assert.IsType<HasAttributeExpr>(expr.Left).Attribute);
        var right = Assert.IsType<HasAttributeExpr>(expr.Right);
        Assert.Equal("b", right.Attribute);
        Assert.Equal("a", Assert.IsType<GetAttributeExpr>(right.Target).Attribute);
    }

    [Fact]
    public void ParseExpression_LikePatternKeepsEscapedStarsLiteral()
    {
        var like = Assert.IsType<LikeExpr>(CedarParser.ParseExpression("""context.s like "a\*b*" """));

        Assert.Equal([new PatternElement(false, "a*b"), PatternElement.Wildcard], like.Pattern.Elements.ToArray());
    }

    [Fact]
    public void ParseExpression_ReadsStringEscapes()
    {
        var literal = Assert.IsType<LiteralExpr>(CedarParser.ParseExpression("""  "\n\t\\\"\u{1F600}\0"  """));

        Assert.Equal(new StringValue("\n\t\\\"\U0001F600\0"), literal.Value);
    }

    [Fact]
    public void ParseExpression_MethodsAndFunctionsBecomeTheirNodes()
    {
        var contains = Assert.IsType<BinaryExpr>(CedarParser.ParseExpression("[1].contains(1)"));
        var isEmpty = Assert.IsType<UnaryExpr>(CedarParser.ParseExpression("[].isEmpty()"));
        var method = Assert.IsType<ExtensionCallExpr>(CedarParser.ParseExpression("""decimal("1.0").lessThan(decimal("2.0"))"""));

        Assert.Equal(BinaryOperator.Contains, contains.Operator);
        Assert.Equal(UnaryOperator.IsEmpty, isEmpty.Operator);
        Assert.True(method.IsMethodStyle);
        Assert.Equal(2, method.Arguments.Length);
        Assert.False(Assert.IsType<ExtensionCallExpr>(method.Arguments[0]).IsMethodStyle);
    }

    [Fact]
    public void ParseExpression_IsWithIn_KeepsBothParts()
    {
        var expr = Assert.IsType<IsExpr>(CedarParser.ParseExpression("""principal is User in Group::"g" """));

        Assert.Equal("User", expr.EntityType.FullName);
        Assert.NotNull(expr.In);
    }

    [Fact]
    public void ParseExpression_RecordWithDuplicateKey_ReportsTheKeyPosition()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression("{a: 1, \"a\": 2}"));

        Assert.Contains("duplicate key `a`", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
        Assert.Equal(8, error.Column);
    }

    [Fact]
    public void ParsePolicy_MissingSemicolon_PointsAtTheEnd()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParsePolicy("permit(principal, action, resource)\n"));

        Assert.Equal("expected `;` at the end of the policy, found end of input", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Equal(1, error.Column);
    }

    [Fact]
    public void ParsePolicy_ErrorInCondition_ReportsLineAndColumn()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParsePolicy("permit(principal, action, resource)\nwhen { principal.foo(1) };"));

        Assert.Equal("`foo` is not a valid method", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Equal(18, error.Column);
    }

    [Theory]
    [InlineData("unknownVar", "unknown variable `unknownVar`")]
    [InlineData("foo(1)", "`foo` is not a valid function")]
    [InlineData("1 = 2", "`=` is not an operator")]
    [InlineData("\"abc", "unterminated string literal")]
    [InlineData("\"\\q\"", "invalid escape sequence")]
    [InlineData("[1].contains(1, 2)", "requires exactly 1 argument")]
    [InlineData("?principal", "may only appear in the policy scope")]
    [InlineData("!!!!!true", "too many occurrences of `!`")]
    [InlineData("!-1", "cannot be combined")]
    [InlineData("true::\"a\"", "`true` is a reserved word")]
    [InlineData("principal.if", "`if` is a reserved word")]
    [InlineData("context has then", "`then` is a reserved word")]
    [InlineData("context has a.in", "`in` is a reserved word")]
    [InlineData("{like: 1}", "`like` is a reserved word")]
    [InlineData("principal is Acme::true", "`true` is a reserved word")]
    public void ParseExpression_InvalidInput_ExplainsTheProblem(string text, string expected)
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_DeepNesting_IsRefusedWithAnError()
    {
        var text = new string('(', 10_000) + "1" + new string(')', 10_000);

        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression(text));
        Assert.Contains("nesting exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_VeryLongOperatorChain_IsRefusedWithAnError()
    {
        var text = string.Join(" + ", Enumerable.Repeat("1", 5_000));

        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression(text));
        Assert.Contains("too deeply nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_VeryLongHasPath_IsRefusedWithAnError()
    {
        var text = "context has " + string.Join(".", Enumerable.Repeat("a", 2_000));

        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParseExpression(text));
        Assert.Contains("too deeply nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseExpression_ModerateNesting_IsAccepted()
    {
        var text = new string('(', 100) + "1" + new string(')', 100);

        Assert.IsType<LiteralExpr>(CedarParser.ParseExpression(text));
    }

    [Fact]
    public void ParsePolicy_WrongSlotInScope_IsRejected()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParsePolicy("permit(principal == ?resource, action, resource);"));
        Assert.Contains("`?resource` is not allowed here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePolicy_ActionScopeOfAnotherType_IsRejected()
    {
        var error = Assert.Throws<CedarParseException>(() => CedarParser.ParsePolicy("permit(principal, action == User::\"a\", resource);"));
        Assert.Contains("of type `Action`", error.Message, StringComparison.Ordinal);
        Assert.Equal(29, error.Column);
    }

    [Fact]
    public void ParseExpression_NegatedLiteralWithAccessor_IsNotFolded()
    {
        var expr = Assert.IsType<UnaryExpr>(CedarParser.ParseExpression("-1.foo"));
        Assert.IsType<GetAttributeExpr>(expr.Operand);
    }

    [Fact]
    public void ParseEntityUid_ReadsNamespacedTypes()
    {
        var uid = CedarParser.ParseEntityUid("""Acme::Photos::Album::"x" """);

        Assert.Equal(["Acme", "Photos", "Album"], uid.EntityType.Segments.ToArray());
        Assert.Equal("Album", uid.EntityType.Basename);
        Assert.Equal("x", uid.Id);
    }
}
