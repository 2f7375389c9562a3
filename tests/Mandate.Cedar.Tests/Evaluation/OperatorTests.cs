using Mandate.Cedar.Ast;
using Mandate.Cedar.Values;
using static Mandate.Cedar.Tests.CedarFixture;

namespace Mandate.Cedar.Tests.Evaluation;

public sealed class OperatorTests
{
    [Theory]
    [InlineData("1 + 2 == 3")]
    [InlineData("5 - 7 == -2")]
    [InlineData("6 * -7 == -42")]
    [InlineData("--5 == 5")]
    [InlineData("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3")]
    [InlineData("1 != 2")]
    [InlineData("!false")]
    [InlineData("if 1 == 1 then true else false")]
    [InlineData("\"abc\" == \"abc\"")]
    [InlineData("[1, 2] == [2, 1, 1]")]
    [InlineData("{a: 1, b: [true]} == {b: [true], a: 1}")]
    [InlineData("[1, 2, 3].contains(2)")]
    [InlineData("[1, 2, 3].containsAll([3, 1])")]
    [InlineData("[1, 2, 3].containsAny([9, 3])")]
    [InlineData("[].isEmpty() && ![1].isEmpty()")]
    [InlineData("{a: 1} has a && !({a: 1} has b)")]
    [InlineData("{a: {b: 1}} has a.b")]
    [InlineData("{\"a b\": 1}[\"a b\"] == 1")]
    [InlineData("User::\"a\" == User::\"a\" && User::\"a\" != Admin::\"a\"")]
    [InlineData("principal is User && !(principal is Admin)")]
    public void Evaluate_TrueExpressions(string expression) => Assert.True(EvalBool(expression));

    [Theory]
    [InlineData("1 == \"1\"")]
    [InlineData("true == 1")]
    [InlineData("[1] == 1")]
    [InlineData("{a: 1} == {a: 1, b: 2}")]
    [InlineData("decimal(\"1.0\") == 1")]
    [InlineData("ip(\"10.0.0.1\") == ip(\"10.0.0.1/32\") && false")]
    public void Equality_AcrossTypes_IsFalseNotAnError(string expression) => Assert.False(EvalBool(expression));

    [Theory]
    [InlineData("9223372036854775807 + 1")]
    [InlineData("-9223372036854775808 - 1")]
    [InlineData("9223372036854775807 * 2")]
    [InlineData("-(-9223372036854775808)")]
    public void Arithmetic_Overflow_IsAnEvaluationError(string expression)
    {
        Assert.Contains("overflow", EvalError(expression).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 + true")]
    [InlineData("!1")]
    [InlineData("-\"a\"")]
    [InlineData("1 < \"2\"")]
    [InlineData("if 1 then 2 else 3")]
    [InlineData("true && 1")]
    [InlineData("false || 1")]
    [InlineData("1 && true")]
    [InlineData("1.contains(1)")]
    [InlineData("[1].containsAll(1)")]
    [InlineData("1 like \"*\"")]
    [InlineData("1 has a")]
    [InlineData("1 in User::\"a\"")]
    [InlineData("principal in [User::\"a\", 1]")]
    [InlineData("principal in 1")]
    [InlineData("1 is User")]
    [InlineData("decimal(\"1.0\") < decimal(\"2.0\")")]
    public void TypeMismatch_IsAnEvaluationError(string expression)
    {
        Assert.Contains("type error", EvalError(expression).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false && (1 + true)")]
    [InlineData("true || (1 + true)")]
    [InlineData("if true then 1 else (1 + true)")]
    public void ShortCircuit_SkipsTheErroringOperand(string expression) => Assert.NotNull(Eval(expression));

    // A chain of one operator is evaluated in order, stopping at the first operand that decides and failing at the first
    // that errs or is not a boolean.
    [Theory]
    [InlineData("true && true && true && true", true)]
    [InlineData("true && true && false && (1 + true)", false)]
    [InlineData("false || false || true || (1 + true)", true)]
    [InlineData("false || false || false", false)]
    [InlineData("true && (false || true) && true", true)]
    [InlineData("false || (true && false) || (true && true)", true)]
    [InlineData("true && true && (true && false)", false)]
    public void Chains_DecideAtTheFirstDecidingOperand(string expression, bool expected) => Assert.Equal(expected, EvalBool(expression));

    [Theory]
    [InlineData("true && true && (1 + true) && false")]
    [InlineData("true && true && 1 && false")]
    [InlineData("false || false || \"x\" || true")]
    [InlineData("true && true && true && 1")]
    public void Chains_FailAtTheFirstFailingOperand(string expression) =>
        Assert.Contains("type error", EvalError(expression).Message, StringComparison.Ordinal);

    [Fact]
    public void LongChains_CompileAndEvaluate()
    {
        Assert.True(EvalBool(string.Join(" && ", Enumerable.Repeat("1 < 2", 500))));
        Assert.True(EvalBool(string.Join(" || ", Enumerable.Repeat("1 > 2", 499).Append("true"))));
    }

    [Fact]
    public void Record_MissingAttribute_IsAnError()
    {
        Assert.Contains("`b`", EvalError("{a: 1}.b").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"abc\" like \"abc\"", true)]
    [InlineData("\"abc\" like \"a*\"", true)]
    [InlineData("\"abc\" like \"*c\"", true)]
    [InlineData("\"abc\" like \"*\"", true)]
    [InlineData("\"\" like \"*\"", true)]
    [InlineData("\"abc\" like \"a*b*c\"", true)]
    [InlineData("\"abbbc\" like \"a*bc\"", true)]
    [InlineData("\"abc\" like \"ab\"", false)]
    [InlineData("\"a*c\" like \"a\\*c\"", true)]
    [InlineData("\"abc\" like \"a\\*c\"", false)]
    [InlineData("\"a\\nb\" like \"a*\"", true)]
    [InlineData("\"a\" like \"a*a\"", false)]
    [InlineData("\"aa\" like \"a*a\"", true)]
    [InlineData("\"aa\" like \"a*a*a\"", false)]
    [InlineData("\"aaa\" like \"a*a*a\"", true)]
    [InlineData("\"aab\" like \"*ab\"", true)]
    [InlineData("\"abab\" like \"*ab*ab\"", true)]
    [InlineData("\"abaab\" like \"*aab*\"", true)]
    [InlineData("\"ab\" like \"**\"", true)]
    [InlineData("\"xaaab\" like \"*aab\"", true)]
    [InlineData("\"aabaab\" like \"*aab*aab\"", true)]
    [InlineData("\"aabab\" like \"*aab*aab\"", false)]
    public void Like_MatchesWildcardsAndEscapedStars(string expression, bool expected) =>
        Assert.Equal(expected, EvalBool(expression));

    [Fact]
    public void Like_OnTextBuiltToDefeatBacktracking_StillDecides()
    {
        // Backtracking matchers take quadratic time here; runs found left to right take linear time.
        var pattern = new Pattern([PatternElement.Wildcard, .. Enumerable.Range(0, 200).SelectMany(_ => new[] { new PatternElement(false, "a"), PatternElement.Wildcard }), new PatternElement(false, "b")]);

        Assert.False(pattern.IsMatch(new string('a', 1_000_000)));
        Assert.True(pattern.IsMatch(new string('a', 1_000_000) + "b"));
    }

    [Fact]
    public void Set_DeduplicatesAndComparesAsASet()
    {
        var set = Assert.IsType<SetValue>(Eval("[1, 1, 2]"));
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Evaluate_TallestAcceptedTree_DoesNotExhaustTheStack()
    {
        var sum = string.Join(" + ", Enumerable.Repeat("1", 500));
        var nested = new string('[', 120) + "1" + new string(']', 120);

        Assert.Equal(new LongValue(500), Eval(sum));
        Assert.IsType<SetValue>(Eval(nested));
    }

    [Fact]
    public void Context_IsReadFromTheRequest()
    {
        Assert.True(EvalBool("context.n == 9007199254740993", context: """{"n": 9007199254740993}"""));
    }
}
